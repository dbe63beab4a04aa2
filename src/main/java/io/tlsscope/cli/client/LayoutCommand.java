package io.tlsscope.cli.client;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tlsscope layout set|clear}: force an OpenSSL struct layout on a library, or go back to detection. */
@Command(name = "layout", mixinStandardHelpOptions = true, subcommands = {LayoutCommand.Set.class, LayoutCommand.Clear.class},
        description = "Force an OpenSSL struct layout on a library (admin token), or clear it.")
public class LayoutCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say set or clear");
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Force LAYOUT (see GET /api/v1/layouts) on the library with INODE.")
    static class Set extends ClientCommand {
        @Parameters(index = "0", paramLabel = "INODE")
        long inode;

        @Parameters(index = "1", paramLabel = "LAYOUT")
        String layout;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            String body = JSON.createObjectNode().put("layout", layout).toString();
            return show(api.put("/api/v1/libraries/" + inode + "/layout", body), LayoutCommand::describe);
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Go back to the detected layout for the library with INODE.")
    static class Clear extends ClientCommand {
        @Parameters(index = "0", paramLabel = "INODE")
        long inode;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            return show(api.delete("/api/v1/libraries/" + inode + "/layout"), LayoutCommand::describe);
        }
    }

    private static String describe(com.fasterxml.jackson.databind.JsonNode library) {
        return "inode %d: layout %s (%s)".formatted(library.path("inode").asLong(), library.path("layout").asText("-"),
                library.path("layoutSource").asText("-"));
    }
}
