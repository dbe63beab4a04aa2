package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/**
 * The event stream's filters applied to events' JSON, for events read from Kafka, where no service
 * filters them: the same meaning as the service's (api.EventFilter) — type, pid, comm, inode (the
 * library that captured a raw chunk), port (either end), user and database (query events only),
 * contains (a query's statement, or a raw chunk's bytes read as Latin-1) — and host (hostname or id).
 */
record JsonEventFilter(Predicate<JsonNode> predicate) {

    /** The options as given; null when not given. */
    record Options(String type, Integer pid, String comm, Long inode, Integer port, String user, String database, String contains,
                   String host) {
    }

    static JsonEventFilter of(Options options) {
        List<Predicate<JsonNode>> all = new ArrayList<>();
        all.add(switch (options.type()) {
            case "raw" -> event -> isRaw(event);
            case "query" -> event -> isQuery(event);
            case "all" -> event -> true;
            default -> throw new IllegalArgumentException("type must be raw, query or all, was '" + options.type() + "'");
        });
        if (options.pid() != null) {
            all.add(event -> process(event).path("pid").asLong(-1) == options.pid());
        }
        if (options.comm() != null) {
            all.add(event -> options.comm().equals(process(event).path("comm").asText(null)));
        }
        if (options.inode() != null) {
            all.add(event -> isRaw(event) && event.at("/library/inode").asLong(-1) == options.inode());
        }
        if (options.port() != null) {
            // both kinds name the 4-tuple under connection
            all.add(event -> port(event.at("/connection/source").asText(null)) == options.port()
                    || port(event.at("/connection/destination").asText(null)) == options.port());
        }
        if (options.user() != null) {
            all.add(event -> isQuery(event) && options.user().equals(event.at("/connection/user").asText(null)));
        }
        if (options.database() != null) {
            all.add(event -> isQuery(event) && options.database().equals(event.at("/connection/database").asText(null)));
        }
        if (options.contains() != null) {
            all.add(event -> isQuery(event) ? event.path("statement").asText("").contains(options.contains())
                    : isRaw(event) && latin1(event.path("base64").asText("")).contains(options.contains()));
        }
        if (options.host() != null) {
            all.add(event -> options.host().equals(event.at("/host/name").asText(null)) || options.host().equals(event.at("/host/id").asText(null)));
        }
        return new JsonEventFilter(all.stream().reduce(event -> true, Predicate::and));
    }

    private static boolean isQuery(JsonNode event) {
        return event.path("type").asText().equals("query");
    }

    private static boolean isRaw(JsonNode event) {
        return event.path("type").asText().equals("tls-data");
    }

    /** Where pid and comm are: the connection of a query, the event itself for a raw chunk. */
    private static JsonNode process(JsonNode event) {
        return isQuery(event) ? event.path("connection") : event;
    }

    /** The port of "127.0.0.1:5432" or "[::1]:5432"; -1 when absent. */
    private static int port(String address) {
        if (address == null) {
            return -1;
        }
        try {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        } catch (NumberFormatException notAnAddress) {
            return -1;
        }
    }

    private static String latin1(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException notBase64) {
            return "";
        }
    }
}
