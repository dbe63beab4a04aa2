package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.tlsscope.host.HostIdentity;
import io.tlsscope.protocol.QueryEvent;
import java.util.List;

/**
 * JSON form of one decoded statement, as streamed on /api/v1/events?type=query. Field
 * documentation: schema QueryEvent in src/main/resources/META-INF/openapi.json. Written by
 * {@link QueryViewSerializer}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonSerialize(using = QueryViewSerializer.class)
public record QueryView(
        String type,
        String time,
        HostIdentity host,
        QueryConnection connection,
        String side,
        String command,
        String statement,
        Long statementBytes,
        List<String> parameters,
        String start,
        String end,
        long durationMicros,
        String commandTag,
        Long rows,
        Boolean rowsPartial,
        Long responseBytesSkipped,
        List<String> columns,
        Boolean columnsPartial,
        String sqlState,
        Integer errorCode,
        String error,
        String transactionStatus,
        List<String> notices,
        QueryEvent.CopySummary copy) {

    /** The connection the statement ran on; source is the traced process's end. */
    public record QueryConnection(long id, int pid, String comm, String protocol, String source, String destination, String user,
                                  String database, String application) {
    }
}
