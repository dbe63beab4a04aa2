package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code tlsscope libraries}: the attached TLS libraries of a running service. */
@Command(name = "libraries", mixinStandardHelpOptions = true, description = "List the TLS libraries a running tlsscope attached to.")
public class LibrariesCommand extends ClientCommand {
    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        return show(api.get("/api/v1/libraries"), libraries -> {
            Table table = new Table("INODE", "KIND", "VERSION", "LAYOUT", "SOURCE", "PIDS", "CALLS", "BYTES", "PATH");
            for (JsonNode library : libraries) {
                table.row(library.path("inode").asLong(), library.path("kind").asText(null), library.path("version").asText(null),
                        library.path("layout").asText(null), library.path("layoutSource").asText(null), library.path("pids").size(),
                        library.path("calls").asLong(), library.path("bytes").asLong(), library.path("paths").path(0).asText(null));
            }
            return table.toString();
        });
    }
}
