package io.tlsscope.api;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.tlsscope.scope.ScopeException;
import io.tlsscope.tracer.TracerControlException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error of the REST API as an RFC 9457 problem (application/problem+json) that names the
 * field at fault and why; never a stack trace.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response badScope(ScopeException refused) {
        return respond(Problem.badRequest(refused.field(), refused.getMessage()));
    }

    @ServerExceptionMapper
    public Response tracerControl(TracerControlException refused) {
        return switch (refused.reason()) {
            case UNKNOWN_LAYOUT -> respond(Problem.badRequest("layout", refused.getMessage()));
            case UNKNOWN_LIBRARY -> respond(Problem.of(404, "Not Found", refused.getMessage(), "inode"));
            case TRACER_DOWN -> respond(Problem.of(503, "Service Unavailable", refused.getMessage(), null));
        };
    }

    /** Hibernate Validator: the first violation, by field path, names the field (the last path node). */
    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException invalid) {
        ConstraintViolation<?> first = invalid.getConstraintViolations().stream()
                .min(Comparator.comparing(violation -> violation.getPropertyPath().toString())).orElseThrow();
        String field = null;
        for (var node : first.getPropertyPath()) {
            field = node.getName();
        }
        return respond(Problem.badRequest(field, field + " " + first.getMessage()));
    }

    /** A JSON value of the wrong type: names the property, e.g. {"enabled": "perhaps"}. */
    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException wrong) {
        String field = wrong.getPath().isEmpty() ? "body" : wrong.getPath().getLast().getFieldName();
        String expected = wrong.getTargetType() == null ? "another type" : wrong.getTargetType().getSimpleName();
        return respond(Problem.badRequest(field, field + " must be " + expected.toLowerCase(java.util.Locale.ROOT)));
    }

    /** Malformed JSON, unknown paths, wrong methods: the framework's status, as a problem. */
    @ServerExceptionMapper
    public Response framework(WebApplicationException failed) {
        int status = failed.getResponse().getStatus();
        String detail = status == 400 ? "the request body is not the JSON this endpoint takes: " + rootMessage(failed) : failed.getMessage();
        return respond(Problem.of(status, failed.getResponse().getStatusInfo().getReasonPhrase(), detail, status == 400 ? "body" : null));
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int location = message.indexOf("\n at [Source");
        return location < 0 ? message : message.substring(0, location);
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
