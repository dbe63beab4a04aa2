package io.tlsscope.protocol.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.QueryEvent;
import io.tlsscope.testsupport.RecordedCalls;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL decoder on bytes tlsscope captured from real sessions (fixtures/pg: psql and its
 * backend, pgbench -M extended and -M prepared, PostgreSQL 15 over TLS, recorded from the SSE stream).
 */
class PgSessionTest {
    private static final List<String> PSQL_STATEMENTS = List.of(
            "CREATE TABLE items (id int primary key, name text)",
            "INSERT INTO items VALUES (1,'one'),(2,'two'),(3,'three')",
            "SELECT id, name FROM items ORDER BY id",
            "SELECT * FROM missing_table",
            "UPDATE items SET name = 'uno' WHERE id = 1");

    @Test
    void psqlSimpleQueriesWithTheirOutcomesFromTheClientSide() {
        List<QueryEvent> events = replay("psql-client", "client", 0);
        assertThat(events).extracting(QueryEvent::statement).containsExactlyElementsOf(PSQL_STATEMENTS);
        assertThat(events.get(0).commandTag()).isEqualTo("CREATE TABLE");
        assertThat(events.get(1).commandTag()).isEqualTo("INSERT 0 3");
        assertThat(events.get(1).rows()).isEqualTo(3);
        assertThat(events.get(2).rows()).isEqualTo(3);
        assertThat(events.get(2).columns()).containsExactly("id", "name");
        assertThat(events.get(1).columns()).isNull();
        assertThat(events.get(3).sqlState()).isEqualTo("42P01");
        assertThat(events.get(3).error()).contains("missing_table");
        assertThat(events.get(3).commandTag()).isNull();
        assertThat(events.get(4).commandTag()).isEqualTo("UPDATE 1");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.connection().user()).isEqualTo("postgres");
            assertThat(event.connection().database()).isEqualTo("postgres");
            assertThat(event.connection().application()).isEqualTo("psql");
            assertThat(event.transactionStatus()).isEqualTo("I");
            assertThat(event.side()).isEqualTo("client");
        });
    }

    @Test
    void theBackendSideSeesTheSameStatements() {
        List<QueryEvent> events = replay("psql-backend", "server", 0);
        assertThat(events).extracting(QueryEvent::statement).containsExactlyElementsOf(PSQL_STATEMENTS);
        assertThat(events.get(3).sqlState()).isEqualTo("42P01");
    }

    @Test
    void extendedProtocolExecutionsWithTheirBoundParameters() {
        for (String fixture : List.of("pgbench-extended-client", "pgbench-prepared-client")) {
            List<QueryEvent> selects = replay(fixture, "client", 0).stream()
                    .filter(event -> event.statement().startsWith("SELECT abalance")).toList();
            assertThat(selects).as(fixture).hasSize(5).allSatisfy(event -> {
                assertThat(event.statement()).isEqualTo("SELECT abalance FROM pgbench_accounts WHERE aid = $1;");
                assertThat(event.parameters()).singleElement().satisfies(value -> assertThat(value).matches("\\d+"));
                assertThat(event.commandTag()).isEqualTo("SELECT 1");
                assertThat(event.rows()).isEqualTo(1);
            });
        }
    }

    @Test
    void copyIsSummarisedAndNoticesJoinTheirStatement() {
        for (String fixture : List.of("copy-notice-client", "copy-notice-backend")) {
            String side = fixture.endsWith("client") ? "client" : "server";
            List<QueryEvent> events = replay(fixture, side, 0);
            QueryEvent copyIn = events.stream().filter(event -> event.statement().startsWith("COPY  items FROM STDIN")
                    || event.statement().startsWith("COPY items FROM STDIN")).findFirst().orElseThrow();
            // psql's \copy sent the three lines of the file as CopyData
            assertThat(copyIn.copy()).as(fixture).isEqualTo(new QueryEvent.CopySummary("in", copyIn.copy().messages(),
                    "1\tone\n2\ttwo\n3\tthree\n".length()));
            assertThat(copyIn.rows()).isEqualTo(3);
            assertThat(copyIn.commandTag()).isEqualTo("COPY 3");
            QueryEvent copyOut = events.stream().filter(event -> event.statement().startsWith("COPY items TO STDOUT"))
                    .findFirst().orElseThrow();
            assertThat(copyOut.copy()).isEqualTo(new QueryEvent.CopySummary("out", 3, "1\tone\n2\ttwo\n3\tthree\n".length()));
            assertThat(copyOut.rows()).isEqualTo(3);
            QueryEvent notice = events.stream().filter(event -> event.statement().startsWith("DO ")).findFirst().orElseThrow();
            assertThat(notice.notices()).containsExactly("NOTICE 00000: three items copied");
            assertThat(notice.copy()).isNull();
            assertThat(events).filteredOn(event -> event.statement().startsWith("CREATE")).singleElement()
                    .satisfies(event -> assertThat(event.notices()).isNull());
        }
    }

    /**
     * Answers cut as the kernel's response budget cuts them (a head of 8 bytes per exchange, then
     * only each call's last 24 bytes): every statement still comes out, with the tag and row count
     * its CommandComplete states, read from the tails; the skipped bytes are said.
     */
    @Test
    void answersCutByTheResponseBudgetKeepTheirStatementsAndTags() {
        for (String fixture : List.of("psql-client", "psql-backend")) {
            String side = fixture.endsWith("client") ? "client" : "server";
            List<QueryEvent> whole = replay(fixture, side, 0);
            List<QueryEvent> cut = RecordedCalls.replayBudgeted("pg/" + fixture, side, 8, 24,
                    sink -> new PgSession(side, connection(), sink, true, new KeptBytes(Long.MAX_VALUE)));
            assertThat(cut).as(fixture).extracting(QueryEvent::statement).containsExactlyElementsOf(PSQL_STATEMENTS);
            for (int i = 0; i < whole.size(); i++) {
                if (whole.get(i).sqlState() == null) { // an ErrorResponse is longer than 24 bytes: its tail has only ReadyForQuery
                    assertThat(cut.get(i).commandTag()).as("%s: %s", fixture, PSQL_STATEMENTS.get(i)).isEqualTo(whole.get(i).commandTag());
                    assertThat(cut.get(i).rows()).isEqualTo(whole.get(i).rows());
                    assertThat(cut.get(i).rowsPartial()).isNull();
                }
            }
            assertThat(cut).filteredOn(event -> event.statement().startsWith("SELECT id")).singleElement().satisfies(event -> {
                assertThat(event.responseBytesSkipped()).isPositive();
                assertThat(event.columnsPartial()).as("the RowDescription was among the skipped bytes").isTrue();
            });
            assertThat(whole).allSatisfy(event -> assertThat(event.responseBytesSkipped()).isNull());
        }
    }

    /**
     * The stage's memory for bodies in flight is shared by all connections: a statement that would
     * pass it keeps the prefix held so far and its real length, the refusal is counted, and the
     * memory goes back once the message is handed over.
     */
    @Test
    void aStatementBeyondTheSharedMemoryBudgetKeepsItsPrefixAndLength() {
        KeptBytes kept = new KeptBytes(1000);
        List<QueryEvent> events = new ArrayList<>();
        PgSession session = new PgSession("client", connection(), events::add, false, kept);
        String statement = "SELECT '" + "x".repeat(5000) + "'";
        session.frontend(frame('Q', statement + "\0"), Instant.now());
        session.backend(concat(frame('C', "SELECT 1\0"), frame('Z', "I")), Instant.now());
        assertThat(kept.refusals()).isEqualTo(1);
        assertThat(kept.used()).isZero();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(statement).startsWith(event.statement());
            assertThat(event.statement().length()).isBetween(256, 1024);
            assertThat(event.statementBytes()).isGreaterThanOrEqualTo((long) statement.length());
        });
    }

    @Test
    void howTheApplicationSplitItsCallsDoesNotMatter() {
        List<String> whole = replay("psql-client", "client", 0).stream().map(QueryEvent::toString).toList();
        for (int size : new int[] {1, 3, 7, 64}) {
            assertThat(replay("psql-client", "client", size).stream().map(QueryEvent::toString).toList())
                    .as("calls cut into %d-byte pieces", size).isEqualTo(whole);
        }
    }

    @Test
    void garbageDesynchronisesWithoutThrowingAndTheStreamRecovers() {
        List<QueryEvent> events = new ArrayList<>();
        PgSession session = new PgSession("client", connection(), events::add, false, new KeptBytes(Long.MAX_VALUE));
        session.frontend(new byte[] {'Q', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3}, Instant.now());
        assertThat(session.desyncs()).isEqualTo(1);
        byte[] query = frame('Q', "SELECT 1\0");
        session.frontend(query, Instant.now());
        session.backend(concat(frame('C', "SELECT 1\0"), frame('Z', "I")), Instant.now());
        assertThat(events).singleElement().satisfies(event -> assertThat(event.statement()).isEqualTo("SELECT 1"));
    }

    @Test
    void passwordMessagesAreBlankedInTheCapturedBytesAndNeverReachAnEvent() {
        List<QueryEvent> events = new ArrayList<>();
        PgSession session = new PgSession("client", connection(), events::add, false, new KeptBytes(Long.MAX_VALUE));
        byte[] password = frame('p', "s3cret-password\0");
        session.frontend(password, Instant.now());
        session.frontend(frame('Q', "SELECT 2\0"), Instant.now());
        session.backend(concat(frame('C', "SELECT 1\0"), frame('Z', "I")), Instant.now());
        assertThat(Arrays.copyOfRange(password, 0, 5)).as("the header stays, so the stream still frames")
                .isEqualTo(Arrays.copyOfRange(frame('p', "s3cret-password\0"), 0, 5));
        assertThat(new String(password, 5, password.length - 5, StandardCharsets.ISO_8859_1)).isEqualTo("*".repeat(16));
        assertThat(events).singleElement().satisfies(event -> assertThat(event.statement()).isEqualTo("SELECT 2"));
    }

    private static List<QueryEvent> replay(String fixture, String side, int pieceSize) {
        return RecordedCalls.replay("pg/" + fixture, side, pieceSize, sink -> new PgSession(side, connection(), sink, true, new KeptBytes(Long.MAX_VALUE)));
    }

    private static ConnectionInfo connection() {
        return new ConnectionInfo(1, 1, "test", null, "postgresql", null, null, null);
    }

    @Test
    void aRefusedLoginIsOneEventWithItsSqlStateFromEitherSide() {
        byte[] startup = ByteBuffer.allocate(8 + 33).putInt(41).putInt(196608).put("user\0reader\0database\0postgres\0\0".getBytes(StandardCharsets.UTF_8))
                .array();
        byte[] askPassword = ByteBuffer.allocate(9).put((byte) 'R').putInt(8).putInt(3).array();
        for (String side : List.of("client", "server")) {
            List<QueryEvent> events = new ArrayList<>();
            PgSession session = new PgSession(side, connection(), events::add, true, new KeptBytes(Long.MAX_VALUE));
            session.frontend(startup, Instant.EPOCH);
            session.backend(askPassword, Instant.EPOCH);
            session.frontend(frame('p', "wrong\0"), Instant.EPOCH);
            session.backend(frame('E', "SFATAL\0C28P01\0Mpassword authentication failed for user \"reader\"\0\0"), Instant.EPOCH);
            assertThat(events).as(side).singleElement().satisfies(event -> {
                assertThat(event.command()).isEqualTo("login");
                assertThat(event.statement()).isEmpty();
                assertThat(event.sqlState()).isEqualTo("28P01");
                assertThat(event.error()).contains("password authentication failed");
                assertThat(event.connection().user()).isEqualTo("reader");
            });
        }
    }

    private static byte[] frame(char type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + bytes.length).put((byte) type).putInt(4 + bytes.length).put(bytes).array();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
