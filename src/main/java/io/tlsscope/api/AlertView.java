package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * JSON form of one alert, as streamed on /api/v1/events?type=alert, listed by GET /api/v1/alerts
 * and POSTed to webhooks. Field documentation: schema Alert in src/main/resources/META-INF/openapi.json.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertView(
        String type,
        String id,
        String kind,
        String rule,
        String severity,
        List<String> tags,
        String description,
        String host,
        String key,
        long count,
        String first,
        String last,
        String state,
        String counter,
        ProcessRef client,
        ProcessRef server,
        QueryView query) {

    /** A process at one end of the statement's connection; pid 0 and no comm/exe when not known. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ProcessRef(int pid, String comm, String exe) {
    }
}
