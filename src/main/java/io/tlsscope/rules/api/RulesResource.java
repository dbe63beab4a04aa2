package io.tlsscope.rules.api;

import io.tlsscope.api.Problem;
import io.tlsscope.rules.CompiledRule;
import io.tlsscope.rules.RuleBook;
import io.tlsscope.rules.RuleDefinition;
import io.tlsscope.rules.RuleEvaluator;
import io.tlsscope.rules.RuleRejected;
import io.tlsscope.rules.RulesDocument;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The rules in force, and changes to them (written to the rules file). */
@Path("/api/v1/rules")
@Tag(name = "rules")
@Produces(MediaType.APPLICATION_JSON)
public class RulesResource {
    private final RuleBook book;
    private final RuleEvaluator evaluator;

    public RulesResource(RuleBook book, RuleEvaluator evaluator) {
        this.book = book;
        this.evaluator = evaluator;
    }

    @GET
    @Operation(summary = "List the rules in force",
            description = "The built-in pack overlaid by the rules file (tlsscope.rules.file): each rule with where it comes "
                    + "from and its matches, alerts and run-time errors since start.")
    public List<RuleResponse> rules() {
        return book.entries().stream().map(this::response).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One rule in force, by id")
    @APIResponse(responseCode = "404", description = "no rule has that id")
    public RuleResponse rule(@PathParam("id") String id) {
        return book.entry(id).map(this::response).orElseThrow(() -> notFound(id));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add or replace a rule (admin)",
            description = "The rule is compiled first: one that does not compile changes nothing and is answered with a "
                    + "problem naming the rule, the field, the line and column in the field's text, and the reason. A rule "
                    + "with a built-in rule's id replaces it (e.g. {\"enabled\": false} with its condition switches it off). "
                    + "The rule is written to the rules file and in force at once.")
    @APIResponse(responseCode = "200", description = "replaced")
    @APIResponse(responseCode = "201", description = "added")
    @APIResponse(responseCode = "400", description = "the rule does not compile (application/problem+json with field, rule, line, column)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = RuleProblem.class)))
    public Response put(@PathParam("id") String id, RuleDefinition body) throws RuleRejected {
        if (body == null) {
            throw new RuleRejected(id, "body", "a JSON rule is needed: {\"condition\": ..., \"severity\": ..., ...}");
        }
        if (body.id() != null && !body.id().equals(id)) {
            throw new RuleRejected(id, "id", "the body names rule '" + body.id() + "' but the path names '" + id + "'");
        }
        RuleDefinition rule = new RuleDefinition(id, body.description(), body.condition(), body.severity(), body.tags(), body.enabled(),
                body.suppress(), body.threshold(), body.novelty());
        boolean added = book.put(rule);
        return Response.status(added ? 201 : 200).entity(rule(id)).build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a rule from the rules file (admin)",
            description = "A built-in rule it replaced comes back into force. Built-in rules themselves cannot be removed: "
                    + "PUT them with enabled false.")
    @APIResponse(responseCode = "204", description = "removed")
    @APIResponse(responseCode = "404", description = "no rule has that id")
    @APIResponse(responseCode = "409", description = "a built-in rule not replaced in the file")
    public Response delete(@PathParam("id") String id) throws RuleRejected {
        return switch (book.delete(id)) {
            case REMOVED, BUILT_IN_RESTORED -> Response.noContent().build();
            case NOT_IN_FILE -> problem(Problem.of(409, "Conflict", "rule '" + id + "' is built in and cannot be removed; "
                    + "PUT it with \"enabled\": false to switch it off", "id"));
            case UNKNOWN -> throw notFound(id);
        };
    }

    @POST
    @Path("/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check rules without putting them in force (admin)",
            description = "The body has the rules file's shape ({\"rules\": [...]}). Answers which rules compile, or the "
                    + "first problem with its rule, field, line, column and reason.")
    @APIResponse(responseCode = "200", description = "every rule compiles: their ids")
    @APIResponse(responseCode = "400", description = "a rule does not compile (application/problem+json with field, rule, line, column)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = RuleProblem.class)))
    public ValidationResponse validate(RulesDocument document) throws RuleRejected {
        if (document == null) {
            throw new RuleRejected(null, "body", "a JSON body {\"rules\": [...]} is needed");
        }
        return new ValidationResponse(true, book.validate(document.rules()).stream().map(CompiledRule::id).toList());
    }

    @ServerExceptionMapper
    public Response rejected(RuleRejected rejected) {
        return RuleProblem.of(rejected);
    }

    private RuleResponse response(RuleBook.Entry entry) {
        RuleDefinition rule = entry.definition();
        var stats = evaluator.statsOf(rule.id());
        return new RuleResponse(rule.id(), rule.description(), rule.severity() == null ? "medium" : rule.severity(),
                rule.tags() == null ? List.of() : rule.tags(), rule.isEnabled(), rule.condition(), rule.threshold(), rule.novelty(),
                rule.suppress(), entry.source().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), stats.matches(),
                stats.alerts(), stats.errors());
    }

    private static jakarta.ws.rs.WebApplicationException notFound(String id) {
        return new jakarta.ws.rs.WebApplicationException(problem(Problem.of(404, "Not Found", "no rule has id '" + id + "'", "id")));
    }

    private static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
