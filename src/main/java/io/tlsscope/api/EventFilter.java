package io.tlsscope.api;

import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.events.StreamEvent;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.QueryEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The filters of GET /api/v1/events, all optional and combined with AND: type (raw, query, alert, all),
 * pid, comm, inode (the library that captured a raw event), port (either end of the connection),
 * user and database (query events: raw events carry neither, so they never match these), contains
 * (in a query's statement, or in a raw event's bytes read as Latin-1 text).
 */
record EventFilter(Predicate<StreamEvent> predicate) {
    /**
     * Longest text filter: a filter is a search term, not a document. The contains filter runs for
     * every event each client reads, so its cost must stay small.
     */
    static final int MAX_TEXT = 1024;

    /** A query parameter that does not parse: which one, and why. */
    static final class InvalidFilter extends Exception {
        private final String field;

        InvalidFilter(String field, String message) {
            super(message);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    /** Query parameter values by name (null when absent). */
    interface Parameters {
        String get(String name);
    }

    static EventFilter parse(Parameters parameters) throws InvalidFilter {
        List<Predicate<StreamEvent>> all = new ArrayList<>();
        String type = Optional.ofNullable(parameters.get("type")).orElse("raw");
        all.add(switch (type) {
            case "raw" -> event -> event instanceof TlsDataEvent;
            case "query" -> event -> event instanceof QueryEvent;
            case "alert" -> event -> event instanceof AlertEvent;
            case "all" -> event -> true;
            default -> throw new InvalidFilter("type", "type must be raw, query, alert or all, was '" + type + "'");
        });
        Long pid = number(parameters, "pid", 1, Integer.MAX_VALUE);
        if (pid != null) {
            all.add(event -> processId(event) == pid);
        }
        String comm = text(parameters, "comm");
        if (comm != null) {
            all.add(event -> comm.equals(processName(event)));
        }
        Long inode = number(parameters, "inode", 1, Long.MAX_VALUE);
        if (inode != null) {
            all.add(event -> event instanceof TlsDataEvent data && inode.equals(data.library().inode()));
        }
        Long port = number(parameters, "port", 1, 65535);
        if (port != null) {
            all.add(event -> tuple(event).filter(tuple -> tuple.source().getPort() == port || tuple.destination().getPort() == port)
                    .isPresent());
        }
        addQueryField(all, text(parameters, "user"), connection -> connection.user());
        addQueryField(all, text(parameters, "database"), connection -> connection.database());
        String contains = text(parameters, "contains");
        if (contains != null) {
            byte[] latin1 = contains.getBytes(StandardCharsets.ISO_8859_1);
            // a character beyond Latin-1 is never in bytes read as Latin-1 (getBytes made it a '?')
            boolean inLatin1 = contains.chars().allMatch(c -> c <= 0xFF);
            all.add(event -> switch (event) {
                case QueryEvent query -> query.statement() != null && query.statement().contains(contains);
                case TlsDataEvent data -> inLatin1 && containsBytes(data.data(), latin1);
                default -> false;
            });
        }
        return new EventFilter(all.stream().reduce(Predicate::and).orElseThrow()); // the type's alone when nothing else is asked: no chain per event
    }

    /** Whether needle occurs in haystack; without copying the haystack into a String per event and client. */
    static boolean containsBytes(byte[] haystack, byte[] needle) {
        if (needle.length == 0) {
            return true;
        }
        byte first = needle[0];
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            if (haystack[i] == first && Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private static void addQueryField(List<Predicate<StreamEvent>> all, String wanted,
                                      Function<io.tlsscope.protocol.ConnectionInfo, String> field) {
        if (wanted != null) {
            all.add(event -> event instanceof QueryEvent query && wanted.equals(field.apply(query.connection())));
        }
    }

    private static String text(Parameters parameters, String name) throws InvalidFilter {
        String value = parameters.get(name);
        if (value != null && value.length() > MAX_TEXT) {
            throw new InvalidFilter(name, name + " has at most " + MAX_TEXT + " characters, was " + value.length());
        }
        return value;
    }

    private static Long number(Parameters parameters, String name, long min, long max) throws InvalidFilter {
        String value = parameters.get(name);
        if (value == null) {
            return null;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the range
        }
        throw new InvalidFilter(name, name + " must be a whole number from " + min + " to " + max + ", was '" + value + "'");
    }

    private static long processId(StreamEvent event) {
        return switch (event) {
            case TlsDataEvent data -> data.pid();
            case QueryEvent query -> query.connection().pid();
            default -> -1;
        };
    }

    private static String processName(StreamEvent event) {
        return switch (event) {
            case TlsDataEvent data -> data.comm();
            case QueryEvent query -> query.connection().comm();
            default -> null;
        };
    }

    private static Optional<TcpTuple> tuple(StreamEvent event) {
        return Optional.ofNullable(switch (event) {
            case TlsDataEvent data -> data.tuple();
            case QueryEvent query -> query.connection().tuple();
            default -> null;
        });
    }
}
