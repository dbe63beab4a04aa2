package io.tlsscope.rules.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tlsscope.api.Problem;
import io.tlsscope.rules.RuleRejected;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem for a rejected rule: the members of {@link Problem}, and as extensions the
 * rule's id and the 1-based line and column in the field's text (for CEL expressions and YAML).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleProblem(String type, String title, int status, String detail, String field, String rule, Integer line,
                          Integer column) {

    static Response of(RuleRejected rejected) {
        boolean positioned = rejected.line() > 0;
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(new RuleProblem("about:blank", "Bad Request", 400,
                rejected.getMessage(), rejected.field(), rejected.ruleId(), positioned ? rejected.line() : null,
                positioned ? rejected.column() : null)).build();
    }
}
