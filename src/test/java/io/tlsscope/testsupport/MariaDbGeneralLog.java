package io.tlsscope.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MariaDB general query log as the ground truth of what a connection sent: one entry per
 * logged command ("Query", "Prepare", "Execute", "Init DB", ...) with the connection (thread) id.
 */
public final class MariaDbGeneralLog {
    /** "[yymmdd hh:mm:ss]<tab><spaces>ID COMMAND<tab>ARGUMENT"; the timestamp only on the first line of a second. */
    private static final Pattern LINE = Pattern.compile("^(?:\\d{6}\\s+\\d{1,2}:\\d{2}:\\d{2})?\\s+(\\d+) ([A-Z][A-Za-z ]*?)\\t(.*)$",
            Pattern.MULTILINE);

    /** One logged command. */
    public record Entry(long connection, String command, String argument) {
    }

    private MariaDbGeneralLog() {
    }

    public static List<Entry> parse(String log) {
        List<Entry> entries = new ArrayList<>();
        Matcher line = LINE.matcher(log);
        while (line.find()) {
            entries.add(new Entry(Long.parseLong(line.group(1)), line.group(2), line.group(3)));
        }
        return entries;
    }

    /** The connection id of the latest login of user@host, from its Connect line. */
    public static Optional<Long> connectionOf(String log, String user) {
        return parse(log).stream().filter(entry -> entry.command().equals("Connect") && entry.argument().startsWith(user + "@"))
                .map(Entry::connection).reduce((first, second) -> second);
    }

    /** The connection's logged commands of the given kinds, in order. */
    public static List<Entry> commands(String log, long connection, List<String> kinds) {
        return parse(log).stream().filter(entry -> entry.connection() == connection && kinds.contains(entry.command())).toList();
    }
}
