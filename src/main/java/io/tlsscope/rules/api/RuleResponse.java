package io.tlsscope.rules.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tlsscope.rules.RuleDefinition;
import java.util.List;

/**
 * A rule in force, as GET /api/v1/rules shows it.
 *
 * @param source  built-in, file, or file-replacing-built-in
 * @param matches statements it matched since start (suppressed ones included)
 * @param alerts  alerts it raised since start
 * @param errors  statements it failed on (an error in its expression at run time)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleResponse(String id, String description, String severity, List<String> tags, boolean enabled, String condition,
                           RuleDefinition.Threshold threshold, RuleDefinition.Novelty novelty, RuleDefinition.Suppress suppress,
                           String source, long matches, long alerts, long errors) {
}
