package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;

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
}
