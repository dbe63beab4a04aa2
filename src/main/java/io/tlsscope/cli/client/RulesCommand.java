package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tlsscope rules [list|show|validate|put|delete]}: the rules of a running service. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        subcommands = {RulesCommand.Show.class, RulesCommand.Validate.class, RulesCommand.Put.class, RulesCommand.Delete.class},
        description = "List the rules in force (with matches and alerts since start); show, validate, put or delete one (admin token to change).")
public class RulesCommand extends ClientCommand {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        return show(api.get("/api/v1/rules"), rules -> {
            Table table = new Table("ID", "SEVERITY", "ON", "SOURCE", "MATCHES", "ALERTS", "ERRORS", "DESCRIPTION");
            for (JsonNode rule : rules) {
                table.row(rule.path("id").asText(), rule.path("severity").asText(), rule.path("enabled").asBoolean() ? "yes" : "no",
                        rule.path("source").asText(), rule.path("matches").asLong(), rule.path("alerts").asLong(),
                        rule.path("errors").asLong(), rule.path("description").asText(""));
            }
            return table.toString();
        });
    }

    /** A rules file (YAML or JSON) as the API's JSON, or a usage error naming the file. */
    static JsonNode readFile(Path file, picocli.CommandLine commandLine) {
        try {
            JsonNode document = YAML.readTree(Files.readString(file));
            if (document == null || !document.path("rules").isArray()) {
                throw new picocli.CommandLine.ParameterException(commandLine, file + " is not a rules file: it needs a list under 'rules:'");
            }
            return document;
        } catch (IOException unreadable) {
            throw new picocli.CommandLine.ParameterException(commandLine, "cannot read " + file + ": " + unreadable.getMessage());
        }
    }

    private static String path(String id) {
        return "/api/v1/rules/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one rule in force, as YAML.")
    static class Show extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            return show(api.get(path(id)), rule -> {
                try {
                    return YAML.writeValueAsString(rule);
                } catch (IOException impossible) {
                    return rule.toPrettyString();
                }
            });
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a rules file (YAML) against the service's variables without putting it in force; "
                    + "a rule that does not compile is named with its field, line, column and reason.")
    static class Validate extends ClientCommand {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            JsonNode document = readFile(file, spec.commandLine());
            return show(api.post("/api/v1/rules/validate", document.toString()),
                    answer -> file + ": " + answer.path("rules").size() + " rules compile: " + answer.path("rules"));
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Add or replace every rule of a rules file (YAML) on the service, one by one; stops at the first refused.")
    static class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            for (JsonNode rule : readFile(file, spec.commandLine()).path("rules")) {
                String id = rule.path("id").asText("");
                if (id.isEmpty()) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a rule in " + file + " has no id");
                }
                ApiClient.Reply reply = api.put(path(id), ((ObjectNode) rule).toString());
                if (!reply.ok()) {
                    return refused(reply);
                }
                out().println((reply.status() == 201 ? "added " : "replaced ") + id);
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove a rule from the service's rules file (a built-in rule it replaced comes back).")
    static class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            ApiClient.Reply reply = api.delete(path(id));
            if (!reply.ok()) {
                return refused(reply);
            }
            out().println("deleted " + id);
            out().flush();
            return 0;
        }
    }
}
