package io.tlsscope.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements a PostgreSQL server logged with log_statement=all, in log order: each simple
 * Query ("statement: TEXT") and each extended-protocol Execute ("execute NAME: TEXT"), with the
 * backend's pid. A message's further lines are logged after a tab (PostgreSQL's append_with_tabs).
 */
public final class PostgresStatementLog {
    /** Default log_line_prefix '%m [%p] ': "2026-12-01 21:40:00.123 UTC [1234] LOG:  message". */
    private static final Pattern ENTRY = Pattern.compile("^\\S+ \\S+ \\S+ \\[(\\d+)\\] ([A-Z]+):  (.*)$");
    private static final Pattern STATEMENT = Pattern.compile("^(?:statement|execute [^:]+): (.*)$", Pattern.DOTALL);

    /** One logged statement: the backend that ran it and its text. */
    public record Logged(long backend, String statement) {
    }

    private PostgresStatementLog() {
    }

    public static List<Logged> parse(String serverLog) {
        List<Logged> statements = new ArrayList<>();
        long backend = -1;
        StringBuilder message = null;
        for (String line : (serverLog + "\n").split("\n", -1)) {
            if (message != null && line.startsWith("\t")) {
                message.append('\n').append(line.substring(1));
                continue;
            }
            add(statements, backend, message);
            message = null;
            Matcher entry = ENTRY.matcher(line);
            if (entry.matches() && entry.group(2).equals("LOG")) {
                backend = Long.parseLong(entry.group(1));
                message = new StringBuilder(entry.group(3));
            }
        }
        return statements;
    }

    private static void add(List<Logged> statements, long backend, StringBuilder message) {
        if (message == null) {
            return;
        }
        Matcher statement = STATEMENT.matcher(message);
        if (statement.matches()) {
            statements.add(new Logged(backend, statement.group(1)));
        }
    }
}
