package io.tlsscope.api;

import io.tlsscope.conn.TcpTuple;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.capture.CapturePipeline;
import io.tlsscope.capture.ConnectionActivity;
import io.tlsscope.protocol.ProtocolStage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The TLS connections tlsscope captured data on, with what the query decoder knows of them. */
@Path("/api/v1/connections")
@Tag(name = "libraries")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionsResource {
    private final CapturePipeline capture;
    private final ProtocolStage decoder;

    public ConnectionsResource(CapturePipeline capture, ProtocolStage decoder) {
        this.capture = capture;
        this.decoder = decoder;
    }

    @GET
    @Operation(summary = "List connections with captured TLS data",
            description = "Per process and TCP 4-tuple (most recently active first, at most 16384 kept): fd, both ends, SSL "
                    + "calls and bytes captured, last activity, and for database connections the protocol, user and database "
                    + "the decoder learned. Calls whose socket was not found are counted as kernel.fd.unresolved, not listed.")
    public List<ConnectionResponse> connections() {
        Map<String, ConnectionInfo> databases = new HashMap<>();
        for (ConnectionInfo known : decoder.databaseConnections()) {
            if (known.tuple() != null) {
                databases.put(known.pid() + " " + known.tuple(), known);
            }
        }
        return capture.connections().stream()
                .sorted(Comparator.comparing(ConnectionActivity.Connection::lastSeen).reversed())
                .map(connection -> {
                    ConnectionInfo database = databases.get(connection.pid() + " " + connection.tuple());
                    return new ConnectionResponse(connection.pid(), connection.comm(), connection.fd(),
                            TcpTuple.format(connection.tuple().source()), TcpTuple.format(connection.tuple().destination()),
                            database == null ? null : database.protocol(), database == null ? null : database.user(),
                            database == null ? null : database.database(), connection.calls(), connection.bytes(),
                            connection.lastSeen().toString());
                }).toList();
    }
}
