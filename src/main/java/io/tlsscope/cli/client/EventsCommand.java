package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsscope events --follow}: the live event stream of a running service, one line per event. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Follow the live event stream: decoded statements and/or captured plaintext, filtered on the service.")
public class EventsCommand extends ClientCommand {
    @Option(names = {"-f", "--follow"}, required = true, description = "stream until interrupted (or --limit)")
    boolean follow;

    @Option(names = "--type", defaultValue = "query", description = "query, raw or all (default: ${DEFAULT-VALUE})")
    String type;

    @Option(names = "--pid")
    Integer pid;

    @Option(names = "--comm")
    String comm;

    @Option(names = "--inode")
    Long inode;

    @Option(names = "--port")
    Integer port;

    @Option(names = "--user")
    String user;

    @Option(names = "--database")
    String database;

    @Option(names = "--contains")
    String contains;

    @Option(names = "--limit", description = "stop after this many events")
    Long limit;

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        long[] printed = {0};
        ApiClient.Reply reply = api.stream("/api/v1/events?" + query(), data -> {
            out().println(json ? data : line(data));
            out().flush();
            return limit == null || ++printed[0] < limit;
        });
        return reply.ok() ? 0 : refused(reply);
    }

    private String query() {
        List<String> parameters = new ArrayList<>();
        add(parameters, "type", type);
        add(parameters, "pid", pid);
        add(parameters, "comm", comm);
        add(parameters, "inode", inode);
        add(parameters, "port", port);
        add(parameters, "user", user);
        add(parameters, "database", database);
        add(parameters, "contains", contains);
        return String.join("&", parameters);
    }

    private static void add(List<String> parameters, String name, Object value) {
        if (value != null) {
            parameters.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        }
    }

    /** A query: time, side, pid/comm, user@database, statement, outcome; a raw chunk: time, pid/comm, direction, bytes, text. */
    private static String line(String data) {
        try {
            JsonNode event = JSON.readTree(data);
            if (event.path("type").asText().equals("query")) {
                String outcome = event.has("error") ? "ERROR " + event.path("sqlState").asText("") + " " + event.path("error").asText()
                        : event.has("rows") ? event.path("rows").asLong() + " rows" : "";
                return "%s %s %d/%s %s@%s %s  [%s, %d us]".formatted(event.path("end").asText(), event.path("side").asText(),
                        event.at("/connection/pid").asInt(), event.at("/connection/comm").asText(), event.at("/connection/user").asText("?"),
                        event.at("/connection/database").asText("?"), event.path("statement").asText(), outcome,
                        event.path("durationMicros").asLong());
            }
            return "%s %d/%s %s %d bytes %s".formatted(event.path("time").asText(), event.path("pid").asInt(), event.path("comm").asText(),
                    event.path("direction").asText(), event.path("length").asInt(), event.path("text").asText(""));
        } catch (java.io.IOException notJson) {
            return data;
        }
    }
}
