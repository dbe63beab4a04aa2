package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/**
 * {@code tlsscope libraries}: the attached TLS libraries of a running service, with the calls it
 * received through each and what the kernel counted of them (SEEN = CAPTURED + DROPPED +
 * READ-FAILED + FAILED): which library lost data when the ring buffer overflowed, and why a library
 * has no probes (an operator's choice, or the attach error).
 */
@Command(name = "libraries", mixinStandardHelpOptions = true, description = "List the TLS libraries a running tlsscope attached to.")
public class LibrariesCommand extends ClientCommand {
    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        return show(api.get("/api/v1/libraries"), libraries -> {
            Table table = new Table("INODE", "KIND", "VERSION", "LAYOUT", "SOURCE", "PIDS", "CALLS", "BYTES", "SEEN", "CAPTURED",
                    "DROPPED", "READ-FAILED", "FAILED", "PATH", "WHY-NO-PROBES");
            for (JsonNode library : libraries) {
                table.row(library.path("inode").asLong(), library.path("kind").asText(null), library.path("version").asText(null),
                        library.path("layout").asText(null), library.path("layoutSource").asText(null), library.path("pids").size(),
                        library.path("calls").asLong(), library.path("bytes").asLong(), kernel(library, "seen"),
                        kernel(library, "captured"), kernel(library, "dropped"), kernel(library, "readFailed"), kernel(library, "failed"),
                        library.path("paths").path(0).asText(null),
                        library.path("probesOff").asText(library.path("attachError").asText(null)));
            }
            return table.toString();
        });
    }

    /** One of the kernel's call counts of a library; null (shown as "-") when it is not attached. */
    private static String kernel(JsonNode library, String count) {
        return library.path("kernelCalls").path(count).asText(null);
    }
}
