package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;

/**
 * An RFC 9457 problem: what every error of the API answers with, as application/problem+json.
 *
 * @param field the request field (parameter, path segment or body property) at fault, when one is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail, String field) {
        return new Problem("about:blank", title, status, detail, field);
    }

    public static Problem badRequest(String field, String detail) {
        return of(400, "Bad Request", detail, field);
    }

    /** Ends a Vert.x response with this problem (JAX-RS resources go through ProblemMappers instead). */
    public void send(HttpServerResponse response, ObjectMapper json) {
        try {
            response.setStatusCode(status).putHeader("Content-Type", MEDIA_TYPE).end(json.writeValueAsString(this));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("serialize problem", impossible);
        }
    }
}
