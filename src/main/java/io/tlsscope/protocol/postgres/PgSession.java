package io.tlsscope.protocol.postgres;

import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.ProtocolSession;
import io.tlsscope.protocol.QueryEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One PostgreSQL v3 connection seen from one traced process: frontend messages (what the client
 * sends) and backend messages (what the server answers), turned into query events. Simple Query is
 * one event per Query message, completed at ReadyForQuery (the server logs the whole string as one
 * statement); with the extended protocol, each Execute is one event, paired in order with its
 * CommandComplete, EmptyQueryResponse, PortalSuspended or ErrorResponse (pipelining keeps order).
 * PasswordMessage and SASL messages ('p') are dropped here and never stored.
 * Message formats: PostgreSQL documentation, "Frontend/Backend Protocol", "Message Formats".
 */
public final class PgSession implements ProtocolSession {
    private static final int PROTOCOL_3 = 196608;
    /** Table OID, column number, type OID, type size, type modifier, format code after each field name. */
    private static final int ROW_DESCRIPTION_FIELD_TAIL = 4 + 2 + 4 + 2 + 4 + 2;

    private final PgStream frontend;
    /** Whether the connection was recognised from its startup packet (else from a message in mid-stream). */
    private final boolean sawStartup;
    private final PgStream backend;
    private final Consumer<QueryEvent> sink;
    private final String side;
    private ConnectionInfo connection;
    /** Prepared statements by name ("" = unnamed) and bound portals by name. */
    private final Map<String, Statement> statements = new HashMap<>();
    private final Map<String, Execution> portals = new HashMap<>();
    private final Deque<Execution> pending = new ArrayDeque<>();
    private Execution simpleQuery;
    /** After an error in extended mode the server skips everything until Sync. */
    private boolean skippingUntilSync;
    /**
     * Whether the connection is known to be past authentication (the server said ReadyForQuery or
     * AuthenticationOk, or the client sent a statement). Until then, frontend bytes that cannot be
     * framed are blanked whole: a password may be among them.
     */
    private boolean pastAuthentication;
    /** Messages whose body did not parse. */
    private long malformed;
    /** Between a startup message and AuthenticationOk: an ErrorResponse then is a failed login. */
    private Instant loginStarted;
    /** When the call being walked returned: the time of each message it completes (handlers made once, not per call). */
    private Instant callTime;
    private final Consumer<PgStream.Message> frontendMessages = message -> onMessage(message, callTime, true);
    private final Consumer<PgStream.Message> backendMessages = message -> onMessage(message, callTime, false);

    /** A prepared statement; statementBytes is its full length when only a prefix was captured, else null. */
    private record Statement(String text, List<Integer> parameterTypes, Long statementBytes) {
    }

    /** A statement on its way: text, parameters, start, and what the server said so far. */
    private static final class Execution {
        final String command;
        final String statement;
        final List<String> parameters;
        final Instant start;
        /** The statement's full length when only a prefix was captured, else null. */
        Long statementBytes;
        String tag;
        long rows;
        boolean rowsSeen;
        String sqlState;
        String error;
        /** Made at the first notice: most statements have none, and two Executions are made per extended-protocol statement. */
        List<String> notices;
        List<String> columns;
        /** Whether the RowDescription was cut short by the response budget. */
        boolean columnsPartial;
        String copyDirection;
        long copyMessages;
        long copyBytes;
        /** Bytes of the answer the response budget skipped. */
        long responseSkipped;
        /** Whether DataRows went by uncounted (the budget skipped message boundaries): rows is a lower bound unless the tag states it. */
        boolean rowsUncounted;
        /** Whether the command tag stated the row count. */
        boolean tagStatedRows;

        Execution(String command, String statement, List<String> parameters, Instant start) {
            this.command = command;
            this.statement = statement;
            this.parameters = parameters;
            this.start = start;
        }
    }

    /**
     * @param side       "client" or "server": which end of the connection the traced process is
     * @param connection   the process and 4-tuple; user, database and application are filled in from
     *                     the startup message when it is seen
     * @param startupFirst whether the frontend begins with the startup packet (false: the connection
     *                     is older than the capture, which starts at a message)
     * @param budget       the stage's memory for message bodies in flight
     */
    public PgSession(String side, ConnectionInfo connection, Consumer<QueryEvent> sink, boolean startupFirst, KeptBytes budget) {
        this.side = side;
        this.connection = connection;
        this.sink = sink;
        this.frontend = new PgStream(true, startupFirst, budget);
        this.backend = new PgStream(false, false, budget);
        this.sawStartup = startupFirst;
        frontend.blankWhileLost(true);
    }

    @Override
    public void frontend(byte[] call, Instant time) {
        callTime = time;
        frontend.add(call, frontendMessages);
    }

    @Override
    public void backend(byte[] call, Instant time) {
        callTime = time;
        backend.add(call, backendMessages);
    }

    @Override
    public void skip(boolean frontendSide, long missing, Instant time) {
        (frontendSide ? frontend : backend).skip(missing, message -> onMessage(message, time, frontendSide));
    }

    @Override
    public void tail(boolean frontendSide, long skipped, byte[] tail, Instant time) {
        Execution answering = frontendSide ? null : current();
        if (answering != null) {
            answering.responseSkipped += skipped;
        }
        (frontendSide ? frontend : backend).tail(skipped, tail, message -> onMessage(message, time, frontendSide), () -> {
            if (answering != null) {
                answering.rowsUncounted = true;
                // a result this large had a RowDescription, unless it was a COPY
                answering.columnsPartial |= answering.columns == null && answering.copyDirection == null;
            }
        });
    }

    private void onMessage(PgStream.Message message, Instant time, boolean fromFrontend) {
        try {
            if (fromFrontend) {
                onFrontend(message, time);
            } else {
                onBackend(message, time);
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException unparsable) {
            // a body that does not parse: what was in flight is forgotten; the framing (lengths) still holds
            malformed++;
            pending.clear();
            simpleQuery = null;
        }
    }

    @Override
    public void gap(boolean frontendSide) {
        (frontendSide ? frontend : backend).gap();
        pending.clear();
        simpleQuery = null;
    }

    private void authenticated() {
        if (!pastAuthentication) {
            pastAuthentication = true;
            frontend.blankWhileLost(false);
        }
    }

    @Override
    public boolean masksExact() {
        return sawStartup || pastAuthentication;
    }

    @Override
    public void release() {
        frontend.release();
        backend.release();
    }

    @Override
    public long desyncs() {
        return frontend.desyncs() + backend.desyncs() + malformed;
    }

    @Override
    public ConnectionInfo connection() {
        return connection;
    }

    private void onFrontend(PgStream.Message message, Instant time) {
        if (message.body() == null) {
            if (message.type() == 'd') {
                copyData(message, "in");
            }
            return; // 'p' (password, SASL) is never kept
        }
        ByteBuffer body = message.body();
        switch (message.type()) {
            case 0 -> {
                if (startup(body)) {
                    loginStarted = time;
                }
            }
            case 'Q' -> {
                authenticated();
                simpleQuery = new Execution("query", cString(body), List.of(), time);
                simpleQuery.statementBytes = message.truncated() ? message.length() - 1 : null; // without its NUL
            }
            case 'P' -> {
                authenticated();
                String name = cString(body);
                String text = cString(body);
                List<Integer> types = new ArrayList<>();
                if (!message.truncated()) { // a truncated Parse ends inside its text: the types were not captured
                    for (int count = body.getShort(); count > 0; count--) {
                        types.add(body.getInt());
                    }
                }
                statements.put(name, new Statement(text, types, message.truncated() ? message.length() - name.length() - 2L : null));
            }
            case 'B' -> bind(body, time);
            case 'E' -> {
                Execution bound = portals.get(cString(body));
                if (bound != null) {
                    Execution execution = new Execution("execute", bound.statement, bound.parameters, time);
                    execution.statementBytes = bound.statementBytes;
                    pending.add(execution);
                }
            }
            case 'C' -> {
                char kind = (char) body.get();
                (kind == 'S' ? statements : portals).remove(cString(body));
            }
            default -> {
                // 'S' Sync, 'H' Flush, 'D' Describe, 'X' Terminate,
                // 'c' CopyDone, 'f' CopyFail (the server answers with CommandComplete or ErrorResponse)
            }
        }
    }

    /** The statement running now: the simple Query, else the oldest execution waiting for its outcome. */
    private Execution current() {
        return simpleQuery != null ? simpleQuery : pending.peek();
    }

    /** A CopyData message of the COPY running now, counted when it flows the way the COPY goes. */
    private void copyData(PgStream.Message message, String flow) {
        Execution copying = current();
        if (copying != null && copying.copyDirection != null
                && (copying.copyDirection.equals(flow) || copying.copyDirection.equals("both"))) {
            copying.copyMessages++;
            copying.copyBytes += message.length();
        }
    }

    /** Reads a startup message's parameters; false for the other messages without a type byte. */
    private boolean startup(ByteBuffer body) {
        if (body.remaining() < 4 || body.getInt() != PROTOCOL_3) {
            return false; // SSLRequest, GSSENCRequest, CancelRequest: no parameters
        }
        Map<String, String> parameters = new HashMap<>();
        while (body.hasRemaining()) {
            String key = cString(body);
            if (key.isEmpty()) {
                break;
            }
            parameters.put(key, cString(body));
        }
        String user = parameters.get("user");
        connection = connection.loggedIn(user, parameters.getOrDefault("database", user), parameters.get("application_name"));
        return true;
    }

    private void bind(ByteBuffer body, Instant time) {
        String portal = cString(body);
        Statement statement = statements.get(cString(body));
        short[] formats = new short[Short.toUnsignedInt(body.getShort())];
        for (int i = 0; i < formats.length; i++) {
            formats[i] = body.getShort();
        }
        int count = Short.toUnsignedInt(body.getShort());
        List<String> values = new ArrayList<>(Math.min(count, body.remaining()));
        for (int i = 0; i < count; i++) {
            int length = body.getInt();
            if (length < 0) {
                values.add(null);
                continue;
            }
            if (length > body.remaining()) {
                throw new BufferUnderflowException();
            }
            byte[] value = new byte[length];
            body.get(value);
            short format = formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : i < formats.length ? formats[i] : 0;
            int type = statement != null && i < statement.parameterTypes().size() ? statement.parameterTypes().get(i) : 0;
            values.add(format == 0 ? new String(value, StandardCharsets.UTF_8) : PgBinaryValues.decode(type, value));
        }
        Execution bound = new Execution("execute", statement == null ? null : statement.text(), values, time);
        bound.statementBytes = statement == null ? null : statement.statementBytes();
        portals.put(portal, bound);
    }

    private void onBackend(PgStream.Message message, Instant time) {
        Execution current = current();
        if (message.body() == null) {
            if (message.type() == 'D' && current != null) {
                current.rows++;
                current.rowsSeen = true;
            } else if (message.type() == 'd') {
                copyData(message, "out");
            }
            return;
        }
        ByteBuffer body = message.body();
        switch (message.type()) {
            case 'G', 'H', 'W' -> {
                if (current != null) {
                    current.copyDirection = message.type() == 'G' ? "in" : message.type() == 'H' ? "out" : "both";
                }
            }
            case 'R' -> {
                if (body.remaining() >= 4 && body.getInt() == 0) {
                    authenticated(); // AuthenticationOk
                    loginStarted = null;
                }
            }
            case 'T' -> {
                if (current != null && current.columns == null) {
                    current.columns = columnNames(body);
                    current.columnsPartial = message.truncated();
                }
            }
            case 'N' -> {
                Map<Character, String> fields = errorFields(body);
                if (current != null) {
                    if (current.notices == null) {
                        current.notices = new ArrayList<>();
                    }
                    current.notices.add(fields.getOrDefault('V', fields.get('S')) + " " + fields.get('C') + ": " + fields.get('M'));
                }
            }
            case 'C' -> {
                String tag = cString(body);
                if (simpleQuery != null) {
                    simpleQuery.tag = simpleQuery.tag == null ? tag : simpleQuery.tag + "; " + tag;
                    simpleQuery.rows = affectedRows(tag, simpleQuery);
                    simpleQuery.tagStatedRows = statesRows(tag);
                } else if (current != null) {
                    current.tag = tag;
                    current.rows = affectedRows(tag, current);
                    current.tagStatedRows = statesRows(tag);
                    finish(pending.poll(), time, null);
                }
            }
            case 'I', 's' -> {
                if (simpleQuery == null && current != null) {
                    finish(pending.poll(), time, null);
                }
            }
            case 'E' -> {
                Map<Character, String> fields = errorFields(body);
                if (current == null && loginStarted != null) {
                    // a refused login (28P01 wrong password, 28000 no such role...): one event, command "login"
                    sink.accept(new QueryEvent(connection, side, "login", "", List.of(), loginStarted, time, null, null,
                            fields.get('C'), null, fields.get('M'), null, null, null, null, null));
                    loginStarted = null;
                }
                if (current != null) {
                    current.sqlState = fields.get('C');
                    current.error = fields.get('M');
                    if (simpleQuery == null) {
                        finish(pending.poll(), time, null);
                        skippingUntilSync = true;
                    }
                }
            }
            case 'Z' -> {
                authenticated();
                String status = transactionStatus((char) body.get());
                if (simpleQuery != null) {
                    finish(simpleQuery, time, status);
                    simpleQuery = null;
                }
                if (skippingUntilSync) {
                    pending.clear(); // executions after the error were never run
                    skippingUntilSync = false;
                }
            }
            default -> {
                // S, K, 1, 2, 3, n, t, c (CopyDone): nothing to pair
            }
        }
    }

    /** ReadyForQuery's status byte as text; the three the server sends are constants, not a String per statement. */
    private static String transactionStatus(char status) {
        return switch (status) {
            case 'I' -> "I";
            case 'T' -> "T";
            case 'E' -> "E";
            default -> String.valueOf(status);
        };
    }

    /** The row count a command tag carries (INSERT 0 3, UPDATE 5, SELECT 2, ...), else the DataRows seen. */
    private static long affectedRows(String tag, Execution execution) {
        return statesRows(tag) ? Long.parseLong(tag, tag.lastIndexOf(' ') + 1, tag.length(), 10) : execution.rows;
    }

    /** Whether a command tag ends in a row count. */
    private static boolean statesRows(String tag) {
        int space = tag.lastIndexOf(' ');
        if (space <= 0 || space == tag.length() - 1) {
            return false;
        }
        for (int at = space + 1; at < tag.length(); at++) {
            if (!Character.isDigit(tag.charAt(at))) {
                return false;
            }
        }
        return true;
    }

    private void finish(Execution execution, Instant end, String transactionStatus) {
        if (execution == null || execution.statement == null) {
            return;
        }
        boolean failed = execution.error != null;
        sink.accept(new QueryEvent(connection, side, execution.command, execution.statement, execution.parameters,
                execution.start, end, failed ? null : execution.tag,
                failed ? null : (execution.tag != null || execution.rowsSeen ? execution.rows : null),
                execution.sqlState, null, execution.error, transactionStatus,
                execution.notices == null ? null : List.copyOf(execution.notices),
                execution.copyDirection == null ? null
                        : new QueryEvent.CopySummary(execution.copyDirection, execution.copyMessages, execution.copyBytes),
                execution.columns, execution.statementBytes,
                execution.responseSkipped > 0 ? execution.responseSkipped : null,
                !failed && execution.rowsUncounted && !execution.tagStatedRows ? Boolean.TRUE : null,
                execution.columnsPartial ? Boolean.TRUE : null));
    }

    /**
     * RowDescription: a field count, then per field its name and 18 bytes of table, type and format
     * data. A body cut short (the response budget) gives the names it holds whole.
     */
    private static List<String> columnNames(ByteBuffer body) {
        int count = Short.toUnsignedInt(body.getShort());
        List<String> names = new ArrayList<>(Math.min(count, body.remaining()));
        for (int i = 0; i < count && hasCString(body); i++) {
            names.add(cString(body));
            if (body.remaining() < ROW_DESCRIPTION_FIELD_TAIL) {
                break;
            }
            body.position(body.position() + ROW_DESCRIPTION_FIELD_TAIL);
        }
        return List.copyOf(names);
    }

    /** Whether a NUL-terminated string starts at the body's position. */
    private static boolean hasCString(ByteBuffer body) {
        for (int at = body.position(); at < body.limit(); at++) {
            if (body.get(at) == 0) {
                return true;
            }
        }
        return false;
    }

    private static Map<Character, String> errorFields(ByteBuffer body) {
        Map<Character, String> fields = new HashMap<>();
        while (body.hasRemaining()) {
            char code = (char) body.get();
            if (code == 0) {
                break;
            }
            fields.put(code, cString(body));
        }
        return fields;
    }

    static String cString(ByteBuffer body) {
        int start = body.position();
        int end = start;
        while (end < body.limit() && body.get(end) != 0) {
            end++;
        }
        String text = new String(body.array(), body.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        body.position(Math.min(body.limit(), end + 1));
        return text;
    }

    /** Hex of raw bytes, for binary values of unknown types. */
    static String hex(byte[] value) {
        return "\\x" + HexFormat.of().formatHex(value);
    }
}
