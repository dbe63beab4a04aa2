package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsscope scope [--executable P]... [--comm C]... [--cgroup G]... [--user U]... | --every-process}: show or replace the scope. */
@Command(name = "scope", mixinStandardHelpOptions = true,
        description = "Show which processes are traced, or replace the scope (admin token): a process is traced when it "
                + "matches any entry given.")
public class ScopeCommand extends ClientCommand {
    @Option(names = "--executable", paramLabel = "PATH", description = "an executable's absolute path (repeatable)")
    List<String> executables = new ArrayList<>();

    @Option(names = "--comm", paramLabel = "NAME", description = "a process name as /proc/PID/comm shows it (repeatable)")
    List<String> comms = new ArrayList<>();

    @Option(names = "--cgroup", paramLabel = "PATH", description = "a cgroup v2 path as /proc/PID/cgroup shows it; "
            + "the processes in it and below it (repeatable)")
    List<String> cgroups = new ArrayList<>();

    @Option(names = "--user", paramLabel = "USER", description = "a user name or uid (repeatable)")
    List<String> users = new ArrayList<>();

    @Option(names = "--every-process", description = "trace every process again (no scope)")
    boolean everyProcess;

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        boolean entries = !(executables.isEmpty() && comms.isEmpty() && cgroups.isEmpty() && users.isEmpty());
        if (everyProcess && entries) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--every-process takes no entries with it");
        }
        if (!everyProcess && !entries) {
            return show(api.get("/api/v1/scope"), ScopeCommand::describe);
        }
        JsonNode body = JSON.valueToTree(Map.of("executables", executables, "comms", comms, "cgroups", cgroups, "users", users));
        return show(api.put("/api/v1/scope", body.toString()), ScopeCommand::describe);
    }

    private static String describe(JsonNode scope) {
        if (!scope.path("limited").asBoolean()) {
            return "scope: every process";
        }
        Table table = new Table("KIND", "ENTRY");
        for (String kind : List.of("executables", "comms", "cgroups", "users")) {
            scope.path(kind).forEach(entry -> table.row(kind, entry.asText()));
        }
        return "scope: processes that match any of\n" + table;
    }
}
