package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tlsscope go-hooks [on|off]}: show or switch the Go crypto/tls probes. */
@Command(name = "go-hooks", mixinStandardHelpOptions = true,
        description = "Show the Go crypto/tls probes, or switch them on or off (admin token) for all Go executables or one.")
public class GoHooksCommand extends ClientCommand {
    /** on or off. */
    enum State { on, off }

    @Parameters(index = "0", arity = "0..1", paramLabel = "on|off", description = "switch; without it, show the state")
    State state;

    @Option(names = "--inode", description = "only the Go executable with this inode")
    Long inode;

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        if (state == null) {
            return show(api.get("/api/v1/hooks/go"), GoHooksCommand::describe);
        }
        String body = JSON.createObjectNode().put("enabled", state == State.on).toString();
        return show(api.put("/api/v1/hooks/go" + (inode == null ? "" : "/" + inode), body), GoHooksCommand::describe);
    }

    private static String describe(JsonNode hooks) {
        Table table = new Table("INODE", "HOOKS", "PATH");
        for (JsonNode binary : hooks.path("binaries")) {
            table.row(binary.path("inode").asLong(), binary.path("enabled").asBoolean() ? "on" : "off", binary.path("paths").path(0).asText(null));
        }
        return "Go hooks: " + (hooks.path("enabled").asBoolean() ? "on" : "off") + "\n" + table;
    }
}
