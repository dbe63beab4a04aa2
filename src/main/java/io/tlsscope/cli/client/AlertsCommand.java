package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsscope alerts [--follow]}: recent alerts of a running service, or the live ones. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Show recent alerts (rules and blind spots), or follow new ones as they are raised.")
public class AlertsCommand extends ClientCommand {
    @Option(names = {"-f", "--follow"}, description = "stream new alerts until interrupted (or --limit)")
    boolean follow;

    @Option(names = "--limit", description = "at most this many (recent: default 100)")
    Integer limit;

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        if (!follow) {
            return show(api.get("/api/v1/alerts?limit=" + (limit == null ? 100 : limit)), alerts -> {
                StringBuilder lines = new StringBuilder();
                alerts.forEach(alert -> lines.append(line(alert)).append('\n'));
                return lines.isEmpty() ? "no alerts" : lines.toString().stripTrailing();
            });
        }
        long[] printed = {0};
        ApiClient.Reply reply = api.stream("/api/v1/events?type=alert", data -> {
            try {
                out().println(json ? data : line(JSON.readTree(data)));
            } catch (java.io.IOException notJson) {
                out().println(data);
            }
            out().flush();
            return limit == null || ++printed[0] < limit;
        });
        return reply.ok() ? 0 : refused(reply);
    }

    /** time severity rule [state] count key: description | statement (client process). */
    static String line(JsonNode alert) {
        String what = alert.path("kind").asText().equals("blind-spot")
                ? "blind spot " + alert.path("rule").asText() + " " + alert.path("state").asText() + " [" + alert.path("counter").asText() + "]"
                : "rule " + alert.path("rule").asText() + " x" + alert.path("count").asLong();
        String statement = alert.at("/query/statement").asText("");
        String client = alert.at("/client/comm").asText("");
        return "%s %-8s %s %s: %s%s%s".formatted(alert.path("last").asText(), alert.path("severity").asText(), what,
                alert.path("key").asText(""), alert.path("description").asText(""),
                statement.isEmpty() ? "" : " | " + alert.at("/query/connection/user").asText("?") + ": " + statement,
                client.isEmpty() ? "" : " (" + client + " " + alert.at("/client/pid").asInt() + ")");
    }
}
