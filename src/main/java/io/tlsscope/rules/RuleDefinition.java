package io.tlsscope.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One rule as written in the rules file or sent over REST, before it is checked and compiled
 * ({@link RuleCompiler}). Durations are text such as 90s, 10m, 24h, 7d.
 *
 * @param condition CEL expression over the variables of {@link RuleVariables}, true when the statement matters
 * @param enabled   absent means true
 * @param suppress  one alert per key and window; absent: one per rule every 10 minutes
 * @param threshold fire only when matching statements add up to a threshold within a window; absent: each match counts
 * @param novelty   fire only for a key never seen before, once the learning window is over; absent: no baseline
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "description", "severity", "tags", "enabled", "condition", "threshold", "novelty", "suppress"})
public record RuleDefinition(String id, String description, String condition, String severity, List<String> tags,
                             Boolean enabled, Suppress suppress, Threshold threshold, Novelty novelty) {

    /**
     * @param window how long one alert stands for every further match with the same key (its count goes up)
     * @param key    CEL string expression; matches with the same value share one alert per window
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Suppress(String window, String key) {
    }

    /**
     * @param value  CEL int expression added up per matching statement (absent: 1, a count)
     * @param atLeast the sum within the window that fires the rule
     * @param within the sliding window
     * @param per    CEL string expression: sums are kept per value (absent: one sum for the rule)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Threshold(String value, Long atLeast, String within, String per) {
    }

    /**
     * @param key      CEL string expression naming what must have been seen before
     * @param learning how long after the first statement the rule only learns (absent: 24h)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Novelty(String key, String learning) {
    }

    /** Whether the rule is in force (absent means yes). */
    public boolean isEnabled() {
        return enabled == null || enabled;
    }
}
