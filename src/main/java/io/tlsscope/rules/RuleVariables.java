package io.tlsscope.rules;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelVariableResolver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The variables rule conditions may use, with their CEL types and meaning (the README's table is
 * this list). Every variable always has a value: unknown text is "", unknown numbers 0 (rows -1),
 * so conditions never fail on a missing field. Values are computed only when a rule reads them.
 */
public final class RuleVariables {

    /** One variable: its name in CEL, its type, what it means, and how it is read from the facts. */
    public record Variable(String name, CelType type, String meaning, Function<QueryFacts, Object> value) {
    }

    private static final List<Variable> ALL = List.of(
            text("statement", "the statement as sent (for init-db: the schema name)", facts -> facts.query().statement()),
            text("sql", "the statement lowercased, comments removed, whitespace runs made one space", QueryFacts::sql),
            text("command", "query, execute, prepare, bulk-execute or init-db", facts -> facts.query().command()),
            text("tag", "PostgreSQL command tag, e.g. \"DELETE 3\"; \"\" for MySQL and on error", facts -> facts.query().commandTag()),
            text("protocol", "postgresql or mysql", facts -> facts.query().connection().protocol()),
            text("user", "database user from the login (\"\" when the capture began after it)", facts -> facts.query().connection().user()),
            text("database", "database (PostgreSQL) or default schema (MySQL) from the login", facts -> facts.query().connection().database()),
            text("application", "application_name from the PostgreSQL startup message", facts -> facts.query().connection().application()),
            text("client.comm", "client process name, when the client is on this host and traced", facts -> facts.client().comm()),
            number("client.pid", "client process id; 0 when unknown", facts -> facts.client().pid()),
            text("client.exe", "client executable path, from /proc/PID/exe", facts -> facts.client().exe()),
            text("server.comm", "server process name, when the server is on this host and traced", facts -> facts.server().comm()),
            number("server.pid", "server process id; 0 when unknown", facts -> facts.server().pid()),
            text("server.exe", "server executable path", facts -> facts.server().exe()),
            text("source.address", "the client's IP address", facts -> address(facts.clientEnd())),
            number("source.port", "the client's port", facts -> port(facts.clientEnd())),
            text("destination.address", "the server's IP address", facts -> address(facts.serverEnd())),
            number("destination.port", "the server's port", facts -> port(facts.serverEnd())),
            number("rows", "rows returned or affected; -1 when unknown", facts -> facts.query().rows() == null ? -1 : facts.query().rows()),
            text("sqlState", "SQLSTATE of the error (PostgreSQL, and MySQL's); \"\" on success", facts -> facts.query().sqlState()),
            number("errorCode", "MySQL/MariaDB error number; 0 on success and for PostgreSQL",
                    facts -> facts.query().errorCode() == null ? 0 : facts.query().errorCode()),
            text("error", "error message; \"\" on success", facts -> facts.query().error()),
            new Variable("duration", SimpleType.DURATION, "from the request to the answer's end, e.g. duration > duration(\"5s\")",
                    facts -> Duration.between(facts.query().start(), facts.query().end())),
            text("side", "client or server: whose traffic the statement was decoded from", facts -> facts.query().side()),
            text("host", "this host's name", QueryFacts::host),
            text("container", "container id of the traced process; \"\" outside containers", QueryFacts::container),
            new Variable("time", SimpleType.TIMESTAMP, "when the statement ended, e.g. time.getHours(\"Europe/Paris\") < 6",
                    facts -> facts.query().end()),
            text("connection", "one connection as the traced process sees it (pid and 4-tuple): a key for per-connection rules",
                    facts -> facts.query().connection().pid() + " " + facts.query().connection().tuple()),
            new Variable("parameters", ListType.create(SimpleType.STRING), "bound parameter values as text (SQL NULL as \"\")",
                    RuleVariables::parameters));

    private static final Map<String, Function<QueryFacts, Object>> BY_NAME = new HashMap<>();

    static {
        for (Variable variable : ALL) {
            BY_NAME.put(variable.name(), variable.value());
        }
    }

    private RuleVariables() {
    }

    public static List<Variable> all() {
        return ALL;
    }

    /** The variables of one statement, computed when a rule reads them. */
    public static CelVariableResolver of(QueryFacts facts) {
        return name -> {
            Function<QueryFacts, Object> value = BY_NAME.get(name);
            return value == null ? Optional.empty() : Optional.of(value.apply(facts));
        };
    }

    private static Variable text(String name, String meaning, Function<QueryFacts, String> value) {
        return new Variable(name, SimpleType.STRING, meaning, facts -> {
            String text = value.apply(facts);
            return text == null ? "" : text;
        });
    }

    private static Variable number(String name, String meaning, Function<QueryFacts, Number> value) {
        return new Variable(name, SimpleType.INT, meaning, facts -> value.apply(facts).longValue());
    }

    private static String address(InetSocketAddress end) {
        return end == null ? "" : end.getAddress().getHostAddress();
    }

    private static int port(InetSocketAddress end) {
        return end == null ? 0 : end.getPort();
    }

    private static List<String> parameters(QueryFacts facts) {
        List<String> values = facts.query().parameters();
        if (values == null) {
            return List.of();
        }
        List<String> texts = new ArrayList<>(values.size());
        values.forEach(value -> texts.add(value == null ? "" : value));
        return texts;
    }
}
