package io.tlsscope.protocol.mysql;

import static io.tlsscope.protocol.mysql.MySqlProtocol.*;

import io.tlsscope.protocol.BodyMask;

import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.ProtocolSession;
import io.tlsscope.protocol.QueryEvent;
import java.nio.BufferUnderflowException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One MySQL/MariaDB connection seen from one traced process, turned into query events.
 * The capture starts after TLS: the first frontend packet is the HandshakeResponse (sequence 2,
 * after the clear-text SSLRequest), which gives user, database and capability flags; its auth
 * response and every later authentication packet (auth switch data) are skipped unread. Then each
 * command (sequence 0) is queued and paired in order with its response: OK (affected rows), ERR
 * (code, SQL state, message) or a result set (rows counted; column definitions skipped).
 * COM_QUERY, COM_STMT_PREPARE, COM_STMT_EXECUTE, COM_STMT_BULK_EXECUTE and COM_INIT_DB become
 * events; PING, QUIT, CLOSE and the like only keep the pairing right. A connection first seen after
 * its login starts at the next command; the EOF convention (CLIENT_DEPRECATE_EOF) is then learned
 * from the first result set.
 */
public final class MySqlSession implements ProtocolSession {
    private final MySqlStream frontend;
    private final MySqlStream backend;
    private final Consumer<QueryEvent> sink;
    private final String side;
    private ConnectionInfo connection;
    private Boolean deprecateEof;
    private final Map<Long, PreparedStatement> statements = new HashMap<>();
    private PreparedStatement lastPrepared;
    private final Deque<MySqlCommand> pending = new ArrayDeque<>();
    private String transactionStatus;
    /**
     * A login (or COM_CHANGE_USER) exchange is under way, or may be: until the client's first
     * command, its packets are credentials, and frontend bytes that cannot be framed are blanked whole.
     */
    private boolean authenticating = true;
    /** Whether the connection was recognised from its HandshakeResponse (else from a command in mid-stream). */
    private final boolean sawLogin;

    /** A server-side prepared statement; parameter types are remembered from the last execution. */
    static final class PreparedStatement {
        final String text;
        /** The text's full length when only a prefix was captured, else null. */
        final Long statementBytes;
        final int parameterCount;
        final List<String> columns;
        int[] parameterTypes;

        PreparedStatement(String text, Long statementBytes, int parameterCount, List<String> columns) {
            this.text = text;
            this.statementBytes = statementBytes;
            this.parameterCount = parameterCount;
            this.columns = columns;
            this.parameterTypes = new int[0];
        }
    }

    /**
     * @param side     "client" or "server": which end of the connection the traced process is
     * @param sawLogin whether the connection was recognised from its HandshakeResponse (false: from
     *                 a command, the connection being older than the capture)
     * @param budget   the stage's memory for packets in flight
     */
    public MySqlSession(String side, ConnectionInfo connection, Consumer<QueryEvent> sink, boolean sawLogin, KeptBytes budget) {
        this.frontend = new MySqlStream(MySqlSession::plausibleCommandCall, this::frontendHandling, budget);
        this.backend = new MySqlStream(MySqlSession::plausibleResponseCall, (sequence, length) -> MySqlStream.Handling.READ, budget);
        this.side = side;
        this.connection = connection;
        this.sink = sink;
        this.sawLogin = sawLogin;
        frontend.blankWhileLost(true);
    }


    @Override
    public void frontend(byte[] call, Instant time) {
        frontend.add(call, packet -> onPacket(packet, time, true));
    }

    @Override
    public void backend(byte[] call, Instant time) {
        backend.add(call, packet -> onPacket(packet, time, false));
    }

    @Override
    public void skip(boolean frontendSide, long missing, Instant time) {
        (frontendSide ? frontend : backend).skip(missing, packet -> onPacket(packet, time, frontendSide));
    }

    @Override
    public void tail(boolean frontendSide, long skipped, byte[] tail, Instant time) {
        MySqlCommand answering = frontendSide ? null : pending.peek();
        if (answering != null) {
            answering.response().skipped(skipped);
        }
        (frontendSide ? frontend : backend).tail(skipped, tail, packet -> onPacket(packet, time, frontendSide), () -> {
            if (answering != null) {
                answering.response().resumeAtEnd();
            }
        });
    }

    private void onPacket(MySqlStream.Packet packet, Instant time, boolean fromFrontend) {
        try {
            if (fromFrontend) {
                onFrontend(packet, time);
            } else {
                onBackend(packet, time);
            }
        } catch (BufferUnderflowException | IllegalArgumentException malformed) {
            (fromFrontend ? frontend : backend).desync();
            pending.clear();
        }
    }

    /**
     * How a frontend packet is handled, decided when its header arrives: a possible login (the
     * first packet after TLS, or sequence 2 with nothing in flight: a new login on a reused SSL
     * object) and a command (COM_CHANGE_USER) are blanked after the user name; the other packets of
     * a login exchange are blanked whole and not kept; LOCAL INFILE contents are not kept.
     */
    private MySqlStream.Handling frontendHandling(int sequence, long length) {
        if (sequence == 0) {
            return new MySqlStream.Handling(true, MySqlAuthMasks.command());
        }
        if (sequence == 2 && pending.isEmpty()) {
            return new MySqlStream.Handling(true, MySqlAuthMasks.login());
        }
        if (authenticating) {
            return MySqlStream.Handling.SECRET;
        }
        return new MySqlStream.Handling(false, BodyMask.NONE);
    }

    private void authenticating(boolean underWay) {
        authenticating = underWay;
        frontend.blankWhileLost(underWay);
    }

    /**
     * Bytes were lost: a lost call may have been a COM_CHANGE_USER, so the connection is taken to be
     * authenticating again until its next command (fail closed: the client's answer to an auth switch
     * would otherwise pass as LOCAL INFILE data, unmasked).
     */
    @Override
    public void gap(boolean frontendSide) {
        (frontendSide ? frontend : backend).gap();
        pending.clear();
        authenticating(true);
    }

    @Override
    public boolean masksExact() {
        return sawLogin || !authenticating;
    }

    @Override
    public void release() {
        frontend.release();
        backend.release();
    }

    @Override
    public long desyncs() {
        return frontend.desyncs() + backend.desyncs();
    }

    @Override
    public ConnectionInfo connection() {
        return connection;
    }

    private void onFrontend(MySqlStream.Packet packet, Instant time) {
        if (packet.sequence() != 0) {
            // sequence 2 with nothing in flight: a login (also when the process reuses an SSL object's
            // address for a new connection); otherwise authentication data or LOCAL INFILE contents
            if (packet.payload() != null && packet.sequence() == 2 && pending.isEmpty() && isHandshakeResponse(packet.payload())) {
                handshakeResponse(packet.payload(), time);
            }
            return;
        }
        authenticating(false);
        MySqlReader in = new MySqlReader(packet.payload());
        int command = in.u8();
        if (!isCommand(command)) {
            throw new IllegalArgumentException("not a command: " + command);
        }
        MySqlCommand queued = switch (command) {
            case COM_QUERY -> MySqlCommand.text(command, "query", in, packet, time);
            case COM_INIT_DB -> MySqlCommand.text(command, "init-db", in, packet, time);
            case COM_STMT_PREPARE -> MySqlCommand.text(command, "prepare", in, packet, time);
            case COM_STMT_EXECUTE -> execute(in, time);
            case COM_STMT_BULK_EXECUTE -> bulkExecute(in, time);
            case COM_STMT_CLOSE -> {
                PreparedStatement closed = statements.remove(in.u32());
                if (closed == lastPrepared) {
                    lastPrepared = null;
                }
                yield null;
            }
            case COM_CHANGE_USER -> {
                authenticating(true); // an auth exchange follows
                connection = withUser(in.nulTerminated(), connection.database());
                yield MySqlCommand.silent(command, time); // auth data follows the user name: not read
            }
            default -> MySqlCommand.silent(command, time);
        };
        if (queued != null && !hasNoResponse(command)) {
            pending.add(queued);
        }
    }

    /** Protocol::HandshakeResponse41: user, database, capability flags; the auth response is skipped. */
    private void handshakeResponse(byte[] payload, Instant time) {
        MySqlReader in = new MySqlReader(payload);
        long flags = in.u32();
        if ((flags & CLIENT_PROTOCOL_41) == 0) {
            throw new IllegalArgumentException("pre-4.1 handshake response");
        }
        in.skip(4 + 1 + 23); // max packet size, character set, filler (MariaDB: extended capabilities)
        String user = in.nulTerminated();
        if ((flags & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            in.skip((int) in.lengthEncoded());
        } else if ((flags & CLIENT_SECURE_CONNECTION) != 0) {
            in.skip(in.u8());
        } else {
            in.nulTerminated();
        }
        String database = (flags & CLIENT_CONNECT_WITH_DB) != 0 && in.remaining() > 0 ? in.nulTerminated() : null;
        deprecateEof = (flags & CLIENT_DEPRECATE_EOF) != 0;
        statements.clear();
        lastPrepared = null;
        transactionStatus = null;
        connection = withUser(user, database == null || database.isEmpty() ? null : database);
        authenticating(true);
        pending.add(MySqlCommand.login(time));
    }

    private MySqlCommand execute(MySqlReader in, Instant time) {
        long id = in.u32();
        PreparedStatement statement = id == LAST_PREPARED ? lastPrepared : statements.get(id);
        in.skip(1 + 4); // flags (cursor type), iteration count (always 1)
        if (statement == null) {
            return MySqlCommand.event(COM_STMT_EXECUTE, "execute", null, List.of(), time); // prepared before the capture
        }
        List<String> values = new ArrayList<>(statement.parameterCount);
        if (statement.parameterCount > 0) {
            byte[] nulls = in.bytes((statement.parameterCount + 7) / 8);
            if (in.u8() == 1) {
                statement.parameterTypes = readTypes(in, statement.parameterCount);
            }
            for (int i = 0; i < statement.parameterCount; i++) {
                boolean isNull = (nulls[i / 8] >> (i % 8) & 1) == 1;
                values.add(isNull ? null : MySqlBinaryValues.read(in, type(statement, i)));
            }
        }
        return MySqlCommand.execution(COM_STMT_EXECUTE, "execute", statement, values, time);
    }

    /** MariaDB COM_STMT_BULK_EXECUTE: the parameters of every row, in row order. */
    private MySqlCommand bulkExecute(MySqlReader in, Instant time) {
        long id = in.u32();
        PreparedStatement statement = id == LAST_PREPARED ? lastPrepared : statements.get(id);
        int flags = in.u16();
        if (statement == null) {
            return MySqlCommand.event(COM_STMT_BULK_EXECUTE, "bulk-execute", null, List.of(), time);
        }
        if ((flags & BULK_SEND_TYPES) != 0) {
            statement.parameterTypes = readTypes(in, statement.parameterCount);
        }
        List<String> values = new ArrayList<>();
        while (in.remaining() > 0 && statement.parameterCount > 0) {
            for (int i = 0; i < statement.parameterCount; i++) {
                int indicator = in.u8(); // 0 value follows, 1 NULL, 2 DEFAULT, 3 IGNORE
                values.add(indicator == 0 ? MySqlBinaryValues.read(in, type(statement, i)) : indicator == 2 ? "DEFAULT" : null);
            }
        }
        return MySqlCommand.execution(COM_STMT_BULK_EXECUTE, "bulk-execute", statement, values, time);
    }

    private static int[] readTypes(MySqlReader in, int count) {
        int[] types = new int[count];
        for (int i = 0; i < count; i++) {
            types[i] = in.u16();
        }
        return types;
    }

    /** The parameter's type; parameters bound before the capture default to length-encoded text. */
    private static int type(PreparedStatement statement, int index) {
        return index < statement.parameterTypes.length ? statement.parameterTypes[index] : 0xFD;
    }

    private void onBackend(MySqlStream.Packet packet, Instant time) {
        MySqlCommand current = pending.peek();
        if (current == null) {
            return; // an answer to something sent before the capture started
        }
        MySqlCommand.Step step = current.response().accept(packet, deprecateEof);
        if (current.response().learnedDeprecateEof() != null && deprecateEof == null) {
            deprecateEof = current.response().learnedDeprecateEof();
        }
        if (step == MySqlCommand.Step.MORE) {
            return;
        }
        pending.poll();
        if (current.response().statusFlags() >= 0) {
            transactionStatus = (current.response().statusFlags() & SERVER_STATUS_IN_TRANS) != 0 ? "T" : "I";
        }
        if (current.command() == COM_STMT_PREPARE) {
            // a failed prepare leaves no "last prepared" statement: a pipelined execute then fails too
            lastPrepared = current.response().preparedId() < 0 ? null
                    : new PreparedStatement(current.statement(), current.statementBytes(), current.response().preparedParameters(),
                    current.response().columns());
            if (lastPrepared != null) {
                statements.put(current.response().preparedId(), lastPrepared);
            }
        }
        if (current.command() == COM_INIT_DB && current.response().errorCode() == null) {
            connection = withUser(connection.user(), current.statement());
        }
        if (step == MySqlCommand.Step.RESTART) {
            onBackend(packet, time); // the packet began the next command's response
            return;
        }
        finish(current, time);
    }

    private void finish(MySqlCommand done, Instant end) {
        MySqlResponse response = done.response();
        boolean failed = response.errorCode() != null;
        boolean refusedLogin = done.command() == MySqlCommand.LOGIN && failed; // e.g. 1045 access denied: one event, command "login"
        if (done.kind() == null && !refusedLogin) {
            return;
        }
        sink.accept(new QueryEvent(connection, side, refusedLogin ? "login" : done.kind(), refusedLogin ? "" : done.statement(),
                done.parameters(), done.start(), end,
                null, failed ? null : response.rows(), response.sqlState(), response.errorCode(), response.errorMessage(),
                transactionStatus, null, null, columns(done), refusedLogin ? null : done.statementBytes(),
                response.skippedBytes() > 0 ? response.skippedBytes() : null, !failed && response.rowsPartial() ? Boolean.TRUE : null,
                response.columnsPartial() ? Boolean.TRUE : null));
    }

    /** The answer's column names; an execute's answer may leave them to the prepare (MariaDB metadata cache). */
    private static List<String> columns(MySqlCommand done) {
        MySqlResponse response = done.response();
        if (response.columns() != null || !response.resultSet()) {
            return done.command() == COM_STMT_PREPARE ? null : response.columns();
        }
        return done.preparedColumns();
    }

    private ConnectionInfo withUser(String user, String database) {
        return connection.loggedIn(user, database, null);
    }

    /**
     * A call may begin a command: sequence 0, a known command byte, a length that fits. Also how a
     * connection older than the capture is recognised from its first frontend bytes.
     */
    public static boolean plausibleCommandCall(byte[] call) {
        return call.length >= 5 && MySqlStream.sequence(call) == 0 && isCommand(call[4] & 0xFF)
                && MySqlStream.length(call) >= 1 && MySqlStream.length(call) <= MySqlStream.MAX_PACKET;
    }

    /** A call may begin a response: sequence 1 (the first answer to a sequence-0 command). */
    static boolean plausibleResponseCall(byte[] call) {
        return call.length >= 5 && MySqlStream.sequence(call) == 1;
    }

    /** HandshakeResponse41 payload: protocol 4.1 and TLS flags, and the filler's first 19 bytes zero. */
    static boolean isHandshakeResponse(byte[] payload) {
        if (payload.length < 32) {
            return false;
        }
        if (!isTlsLogin(littleEndian32(payload, 0))) {
            return false;
        }
        for (int i = 9; i < 9 + 19; i++) {
            if (payload[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The first frontend bytes of a TLS connection are a HandshakeResponse41 after an SSLRequest. */
    public static boolean startsWithHandshakeResponse(byte[] call) {
        if (call.length < 8 || MySqlStream.sequence(call) != 2) {
            return false;
        }
        long flags = littleEndian32(call, 4);
        int length = MySqlStream.length(call);
        return isTlsLogin(flags) && (flags & CLIENT_COMPRESS) == 0 && length >= 32 && length < 65536;
    }
}
