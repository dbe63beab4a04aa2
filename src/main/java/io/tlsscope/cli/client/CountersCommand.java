package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsscope counters}: every counter of a running service. */
@Command(name = "counters", mixinStandardHelpOptions = true, description = "Show the counters of a running tlsscope (each way data can be lost is one).")
public class CountersCommand extends ClientCommand {
    @Option(names = "--all", description = "also counters that are zero")
    boolean all;

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        return show(api.get("/api/v1/counters"), counters -> {
            Table table = new Table("COUNTER", "VALUE", "MEANING");
            for (JsonNode counter : counters) {
                if (all || counter.path("value").asLong() != 0) {
                    table.row(counter.path("name").asText(), counter.path("value").asLong(), counter.path("description").asText());
                }
            }
            return table.toString();
        });
    }
}
