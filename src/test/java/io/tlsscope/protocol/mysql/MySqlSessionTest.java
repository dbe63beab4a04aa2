package io.tlsscope.protocol.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.QueryEvent;
import io.tlsscope.testsupport.RecordedCalls;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MySQL/MariaDB decoder on bytes tlsscope captured from real MariaDB 10.11 sessions over TLS
 * (fixtures/mysql): the mariadb command-line client and the server process answering it, and the
 * server process answering MariaDB Connector/J 3.5 with server-side prepared statements.
 */
class MySqlSessionTest {
    /** What the mariadb client sent, one COM_QUERY each (it splits "SELECT 1; SELECT 2;" itself). */
    private static final List<String> CLI_QUERIES = List.of(
            "CREATE DATABASE IF NOT EXISTS shop",
            "SELECT DATABASE()",
            "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(8,2))",
            "INSERT INTO items VALUES (1,'one',1.50),(2,'two',2.25),(3,'three',NULL)",
            "SELECT id, name, price FROM items ORDER BY id",
            "SELECT * FROM missing_table",
            "UPDATE items SET name = 'uno' WHERE id = 1",
            "PREPARE s FROM 'SELECT name FROM items WHERE id = ?'",
            "SET @i = 2",
            "EXECUTE s USING @i",
            "SELECT 1",
            "SELECT 2",
            "DELETE FROM items",
            "DROP DATABASE shop");

    @Test
    void theCommandLineClientsQueriesWithTheirOutcomes() {
        for (String side : List.of("client", "server")) {
            List<QueryEvent> events = replay("mysql/mariadb-cli-" + side, side, 0);
            assertThat(events).filteredOn(event -> event.command().equals("query"))
                    .extracting(QueryEvent::statement).as(side).containsExactlyElementsOf(CLI_QUERIES);
            assertThat(events).filteredOn(event -> event.command().equals("init-db"))
                    .extracting(QueryEvent::statement).containsExactly("shop");
            assertThat(byStatement(events, "INSERT INTO items").rows()).isEqualTo(3);
            assertThat(byStatement(events, "SELECT id, name, price").rows()).isEqualTo(3);
            assertThat(byStatement(events, "SELECT id, name, price").columns()).containsExactly("id", "name", "price");
            assertThat(byStatement(events, "INSERT INTO items").columns()).isNull();
            assertThat(byStatement(events, "UPDATE items").rows()).isEqualTo(1);
            assertThat(byStatement(events, "EXECUTE s").rows()).isEqualTo(1);
            assertThat(byStatement(events, "DELETE FROM items").rows()).isEqualTo(3);
            QueryEvent failed = byStatement(events, "SELECT * FROM missing_table");
            assertThat(failed.errorCode()).isEqualTo(1146);
            assertThat(failed.sqlState()).isEqualTo("42S02");
            assertThat(failed.error()).contains("missing_table");
            assertThat(failed.rows()).isNull();
            assertThat(events).allSatisfy(event -> {
                assertThat(event.connection().user()).isEqualTo("root");
                assertThat(event.connection().protocol()).isEqualTo("mysql");
                assertThat(event.side()).isEqualTo(side);
                assertThat(event.transactionStatus()).isEqualTo("I");
            });
            assertThat(byStatement(events, "SELECT id, name, price").connection().database()).isEqualTo("shop");
        }
    }

    /**
     * Answers cut as the kernel's response budget cuts them (a head of 8 bytes per exchange, then
     * only each call's last 64 bytes): every statement still comes out with its outcome; a result
     * set whose rows went by uncounted says its count is a lower bound.
     */
    @Test
    void answersCutByTheResponseBudgetKeepTheirStatementsAndOutcomes() {
        for (String side : List.of("client", "server")) {
            String fixture = "mysql/mariadb-cli-" + side;
            List<QueryEvent> whole = replay(fixture, side, 0);
            List<QueryEvent> cut = RecordedCalls.replayBudgeted(fixture, side, 8, 64,
                    sink -> new MySqlSession(side, connection(), sink, true, new KeptBytes(Long.MAX_VALUE)));
            assertThat(cut).as(side).extracting(QueryEvent::statement).containsExactlyElementsOf(whole.stream().map(QueryEvent::statement).toList());
            for (int i = 0; i < whole.size(); i++) {
                QueryEvent expected = whole.get(i);
                QueryEvent seen = cut.get(i);
                assertThat(seen.errorCode()).as("%s: %s", side, expected.statement()).isEqualTo(expected.errorCode());
                if (Boolean.TRUE.equals(seen.rowsPartial())) {
                    assertThat(seen.rows()).isLessThan(expected.rows());
                } else {
                    assertThat(seen.rows()).isEqualTo(expected.rows());
                }
            }
            QueryEvent select = byStatement(cut, "SELECT id, name, price");
            assertThat(select.responseBytesSkipped()).isPositive();
            assertThat(select.rowsPartial()).isTrue();
            assertThat(select.columnsPartial()).as("column definitions were among the skipped bytes").isTrue();
            assertThat(byStatement(cut, "SELECT * FROM missing_table").rowsPartial()).isNull();
        }
    }

    @Test
    void howTheApplicationSplitItsCallsDoesNotMatter() {
        List<String> whole = replay("mysql/mariadb-cli-client", "client", 0).stream().map(QueryEvent::toString).toList();
        for (int size : new int[] {1, 3, 7, 64}) {
            assertThat(replay("mysql/mariadb-cli-client", "client", size).stream().map(QueryEvent::toString).toList())
                    .as("calls cut into %d-byte pieces", size).isEqualTo(whole);
        }
    }

    @Test
    void connectorJPreparedStatementsWithTheirBinaryParameters() {
        List<QueryEvent> events = replay("mysql/connectorj-server", "server", 0);
        List<QueryEvent> inserts = events.stream()
                .filter(event -> event.command().equals("execute") && event.statement() != null && event.statement().startsWith("INSERT INTO items VALUES")).toList();
        assertThat(inserts).hasSize(2);
        assertThat(inserts.get(0).parameters()).containsExactly("1", "one", "1.50", "2026-11-25 10:11:12.345000", "0x010203");
        assertThat(inserts.get(1).parameters()).containsExactly("2", "two", null, null, null);
        assertThat(inserts).allSatisfy(event -> assertThat(event.rows()).isEqualTo(1));
        QueryEvent select = events.stream().filter(event -> event.command().equals("execute")
                && event.statement() != null && event.statement().startsWith("SELECT id, name, price")).findFirst().orElseThrow();
        assertThat(select.parameters()).containsExactly("1");
        assertThat(select.rows()).isEqualTo(2);
        assertThat(select.columns()).containsExactly("id", "name", "price");
        QueryEvent update = events.stream().filter(event -> event.command().equals("execute")
                && event.statement() != null && event.statement().startsWith("UPDATE items")).findFirst().orElseThrow();
        assertThat(update.parameters()).containsExactly("uno", "1");
        assertThat(update.transactionStatus()).isEqualTo("T");
        QueryEvent batch = events.stream().filter(event -> event.command().equals("bulk-execute")).findFirst().orElseThrow();
        assertThat(batch.statement()).isEqualTo("INSERT INTO items (id, name) VALUES (?, ?)");
        assertThat(batch.parameters()).containsExactly("10", "batch10", "11", "batch11", "12", "batch12");
        assertThat(batch.rows()).isEqualTo(3);
        assertThat(events).filteredOn(event -> event.command().equals("prepare")).extracting(QueryEvent::statement)
                .contains("INSERT INTO items VALUES (?, ?, ?, ?, ?)", "SELECT * FROM missing_table WHERE id = ?");
        QueryEvent failedPrepare = events.stream().filter(event -> event.command().equals("prepare")
                && event.statement().contains("missing_table")).findFirst().orElseThrow();
        assertThat(failedPrepare.errorCode()).isEqualTo(1146);
        assertThat(events).allSatisfy(event -> {
            assertThat(event.connection().user()).isEqualTo("app");
            assertThat(event.connection().database()).isEqualTo("shop");
        });
    }

    @Test
    void garbageDesynchronisesWithoutThrowingAndTheNextCommandIsDecoded() {
        List<QueryEvent> events = new java.util.ArrayList<>();
        MySqlSession session = new MySqlSession("client", connection(), events::add, true, new KeptBytes(Long.MAX_VALUE));
        session.frontend(new byte[] {5, 0, 0, 0, (byte) 0x99, 1, 2, 3, 4}, java.time.Instant.EPOCH); // no such command
        assertThat(session.desyncs()).isEqualTo(1);
        session.frontend(new byte[] {3, 0, 0, 0}, java.time.Instant.EPOCH); // a header alone is no resync point
        byte[] query = "\u0003SELECT 7".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        session.frontend(packet(0, query), java.time.Instant.EPOCH);
        session.backend(packet(1, new byte[] {0, 0, 0, 2, 0, 0, 0}), java.time.Instant.EPOCH); // OK
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.statement()).isEqualTo("SELECT 7");
            assertThat(event.rows()).isZero();
        });
    }

    /**
     * A server reads each packet's 4-byte header in one call and its payload in the next: no call
     * starts with a whole packet. Before, its decoder stayed lost for the rest of the connection
     * after one packet that was no command (HostileTracedProcessesTest found it on a real MariaDB).
     */
    @Test
    void aServerThatReadsHeadersAlonePicksUpTheNextCommandAfterGarbage() {
        List<QueryEvent> events = new java.util.ArrayList<>();
        MySqlSession session = new MySqlSession("server", connection(), events::add, true, new KeptBytes(Long.MAX_VALUE));
        for (byte[] read : headerThenPayload(packet(0, new byte[] {(byte) 0x99, 1, 2, 3, 4}))) { // no such command
            session.frontend(read, java.time.Instant.EPOCH);
        }
        assertThat(session.desyncs()).isEqualTo(1);
        session.backend(packet(1, new byte[] {(byte) 0xFF, 0x17, 0x04, '#', '0', '8', 'S', '0', '1', 'U'}), java.time.Instant.EPOCH);
        for (byte[] read : headerThenPayload(packet(0, "\u0003SELECT 7".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
            session.frontend(read, java.time.Instant.EPOCH);
        }
        session.backend(packet(1, new byte[] {0, 0, 0, 2, 0, 0, 0}), java.time.Instant.EPOCH); // OK
        assertThat(events).singleElement().satisfies(event -> assertThat(event.statement()).isEqualTo("SELECT 7"));
        assertThat(session.desyncs()).isEqualTo(1);
    }

    private static List<byte[]> headerThenPayload(byte[] packet) {
        return List.of(java.util.Arrays.copyOf(packet, 4), java.util.Arrays.copyOfRange(packet, 4, packet.length));
    }

    private static byte[] packet(int sequence, byte[] payload) {
        byte[] packet = new byte[4 + payload.length];
        packet[0] = (byte) payload.length;
        packet[1] = (byte) (payload.length >> 8);
        packet[2] = (byte) (payload.length >> 16);
        packet[3] = (byte) sequence;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    private static QueryEvent byStatement(List<QueryEvent> events, String prefix) {
        return events.stream().filter(event -> event.statement() != null && event.statement().startsWith(prefix))
                .findFirst().orElseThrow(() -> new AssertionError("no event for " + prefix + " in " + events));
    }

    static List<QueryEvent> replay(String fixture, String side, int pieceSize) {
        return RecordedCalls.replay(fixture, side, pieceSize, sink -> new MySqlSession(side, connection(), sink, true, new KeptBytes(Long.MAX_VALUE)));
    }

    static ConnectionInfo connection() {
        return new ConnectionInfo(1, 1, "test", null, "mysql", null, null, null);
    }
}
