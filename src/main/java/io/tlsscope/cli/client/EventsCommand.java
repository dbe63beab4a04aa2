package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code tlsscope events --follow}: the live event stream of a running service, one line per event;
 * with {@code --kafka} the whole fleet's from the Kafka topics, filtered here, printed the same way.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Follow the live event stream: decoded statements and/or captured plaintext, filtered on the service"
                + " (or, with --kafka, the fleet's events from Kafka, filtered here).")
public class EventsCommand extends ClientCommand {
    static final String QUERIES_TOPIC = "tlsscope.queries";
    static final String RAW_TOPIC = "tlsscope.raw";

    @Option(names = {"-f", "--follow"}, required = true, description = "stream until interrupted (or --limit)")
    boolean follow;

    @Option(names = "--type", defaultValue = "query", description = "query, raw, alert or all (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP",
            description = "follow the events of every host from Kafka (host:port[,host:port]) instead of one service")
    String kafka;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka consumer properties for --kafka (TLS, SASL), as kafka-console-consumer's --consumer.config")
    Path kafkaConfig;

    @Option(names = "--kafka-topic", paramLabel = "TOPIC",
            description = "with --kafka: the topics to follow (default: " + QUERIES_TOPIC + " and/or " + RAW_TOPIC + " by --type)")
    List<String> kafkaTopics;

    @Option(names = "--host", description = "with --kafka: only events of this host (hostname or host id)")
    String host;

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        long[] printed = {0};
        Predicate<String> print = data -> {
            out().println(json ? data : line(data));
            out().flush();
            return limit == null || ++printed[0] < limit;
        };
        if (kafka != null) {
            return followKafka(print);
        }
        if (host != null || kafkaConfig != null || kafkaTopics != null) {
            throw new ParameterException(spec.commandLine(), "--host, --kafka-config and --kafka-topic need --kafka: one service's stream is one host");
        }
        ApiClient.Reply reply = api.stream("/api/v1/events?" + query(), print);
        return reply.ok() ? 0 : refused(reply);
    }

    private int followKafka(Predicate<String> print) {
        JsonEventFilter filter;
        try {
            filter = JsonEventFilter.of(new JsonEventFilter.Options(type, pid, comm, inode, port, user, database, contains, host));
        } catch (IllegalArgumentException badType) {
            throw new ParameterException(spec.commandLine(), badType.getMessage());
        }
        List<String> topics = kafkaTopics != null ? kafkaTopics : switch (type) {
            case "raw" -> List.of(RAW_TOPIC);
            case "query" -> List.of(QUERIES_TOPIC);
            default -> List.of(QUERIES_TOPIC, RAW_TOPIC);
        };
        try {
            new KafkaEventFollower(kafka, consumerSettings(), topics, filter.predicate()).follow(print, err());
            return 0;
        } catch (KafkaEventFollower.Unavailable unavailable) {
            err().println("tlsscope: " + unavailable.getMessage());
            err().flush();
            return UNREACHABLE;
        }
    }

    private Properties consumerSettings() {
        Properties settings = new Properties();
        if (kafkaConfig != null) {
            try (Reader reader = Files.newBufferedReader(kafkaConfig, StandardCharsets.UTF_8)) {
                settings.load(reader);
            } catch (IOException unreadable) {
                throw new ParameterException(spec.commandLine(), "--kafka-config " + kafkaConfig + ": cannot read it: " + unreadable.getMessage());
            }
        }
        return settings;
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

    /**
     * A query: time, host, side, pid/comm, user@database, statement, outcome; a raw chunk: time, host,
     * pid/comm, direction, bytes, text.
     */
    private static String line(String data) {
        try {
            JsonNode event = JSON.readTree(data);
            if (event.path("type").asText().equals("alert")) {
                return AlertsCommand.line(event);
            }
            if (event.path("type").asText().equals("query")) {
                String outcome = event.has("error") ? "ERROR " + event.path("sqlState").asText("") + " " + event.path("error").asText()
                        : event.has("rows") ? event.path("rows").asLong() + " rows" : "";
                return "%s %s %s %d/%s %s@%s %s  [%s, %d us]".formatted(event.path("end").asText(), event.at("/host/name").asText("?"),
                        event.path("side").asText(),
                        event.at("/connection/pid").asInt(), event.at("/connection/comm").asText(), event.at("/connection/user").asText("?"),
                        event.at("/connection/database").asText("?"), event.path("statement").asText(), outcome,
                        event.path("durationMicros").asLong());
            }
            return "%s %s %d/%s %s %d bytes %s".formatted(event.path("time").asText(), event.at("/host/name").asText("?"),
                    event.path("pid").asInt(), event.path("comm").asText(),
                    event.path("direction").asText(), event.path("length").asInt(), event.path("text").asText(""));
        } catch (java.io.IOException notJson) {
            return data;
        }
    }
}
