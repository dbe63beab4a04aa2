package io.tlsscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.host.HostIdentity;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.QueryEvent;
import io.tlsscope.protocol.mysql.MySqlSession;
import io.tlsscope.protocol.postgres.PgSession;
import io.tlsscope.testsupport.RecordedCalls;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written serializers of the stream's views write exactly what Jackson's record serializer
 * writes with the service's setting (non-null inclusion), for the events of every recorded session
 * and for events with every optional field present and absent.
 */
class ViewSerializersTest {
    /** Turns the hand-written serializers off: Jackson's own record serializer, for reference. */
    @JsonSerialize(using = JsonSerializer.None.class)
    private interface RecordSerializer {
    }

    private static final ObjectMapper SERVICE = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();
    private static final ObjectMapper REFERENCE = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL)
            .addMixIn(EventView.class, RecordSerializer.class).addMixIn(QueryView.class, RecordSerializer.class).build();
    private static final EventViews VIEWS = new EventViews(new HostIdentity("4f1c5a0e9b2d4c6f8a1b3c5d7e9f0a2b", "db-7"));
    private static final Instant TIME = Instant.parse("2026-12-02T10:15:30.123456789Z");

    @Test
    void theReferenceIsJacksonsOwnSerializer() throws Exception {
        assertThat(SERVICE.getSerializerProviderInstance().findValueSerializer(EventView.class)).isInstanceOf(EventViewSerializer.class);
        assertThat(REFERENCE.getSerializerProviderInstance().findValueSerializer(EventView.class)).isNotInstanceOf(EventViewSerializer.class);
        assertThat(REFERENCE.getSerializerProviderInstance().findValueSerializer(QueryView.class)).isNotInstanceOf(QueryViewSerializer.class);
    }

    @Test
    void rawEventsOfRecordedSessionsAsJacksonWritesThem() throws Exception {
        List<TlsDataEvent> events = new ArrayList<>();
        int variant = 0;
        for (String fixture : List.of("pg/psql-client", "pg/copy-notice-backend", "pg/pgbench-extended-client", "mysql/mariadb-cli-server",
                "mysql/auth-client")) {
            for (RecordedCalls.Call call : RecordedCalls.load(fixture)) {
                events.add(raw(call.data(), call.write(), variant++));
            }
        }
        events.add(raw(new byte[0], true, 0));
        events.add(raw("héllo \"wörld\"\n\t\\ \u2028".getBytes(java.nio.charset.StandardCharsets.UTF_8), false, 1));
        for (TlsDataEvent event : events) {
            EventView view = VIEWS.of(event);
            String json = SERVICE.writeValueAsString(view);
            assertThat(json).isEqualTo(REFERENCE.writeValueAsString(view));
            assertThat(SERVICE.readTree(json).get("base64").asText()).isEqualTo(Base64.getEncoder().encodeToString(event.data()));
        }
        assertThat(events).hasSizeGreaterThan(100);
    }

    @Test
    void queryEventsOfRecordedSessionsAsJacksonWritesThem() throws Exception {
        List<QueryEvent> events = new ArrayList<>();
        for (String fixture : List.of("pg/psql-client", "pg/psql-backend", "pg/copy-notice-client", "pg/copy-notice-backend",
                "pg/pgbench-extended-client")) {
            String side = fixture.endsWith("client") ? "client" : "server";
            ConnectionInfo connection = new ConnectionInfo(7, 4242, "psql", tuple(), "postgresql", "alice", "shop", null);
            events.addAll(RecordedCalls.replay(fixture, side, 0, sink -> new PgSession(side, connection, sink, true, new KeptBytes(Long.MAX_VALUE))));
        }
        for (String fixture : List.of("mysql/mariadb-cli-client", "mysql/mariadb-cli-server", "mysql/connectorj-server")) {
            String side = fixture.endsWith("client") ? "client" : "server";
            ConnectionInfo connection = new ConnectionInfo(8, 4243, "mariadb", null, "mysql", null, null, "cli");
            events.addAll(RecordedCalls.replay(fixture, side, 0, sink -> new MySqlSession(side, connection, sink, true, new KeptBytes(Long.MAX_VALUE))));
        }
        assertThat(events).extracting(QueryEvent::copy).anyMatch(copy -> copy != null);
        assertThat(events).extracting(QueryEvent::sqlState).anyMatch(state -> state != null);
        events.add(everyField());
        for (QueryEvent event : events) {
            QueryView view = VIEWS.of(event);
            assertThat(SERVICE.writeValueAsString(view)).isEqualTo(REFERENCE.writeValueAsString(view));
        }
    }

    @Test
    void theStreamsRenderingsAreTheMappersOneAfterAnother() throws Exception {
        EventJson rendering = new EventJson(VIEWS, SERVICE);
        List<io.tlsscope.events.StreamEvent> events = new ArrayList<>();
        int variant = 0;
        for (RecordedCalls.Call call : RecordedCalls.load("pg/psql-client")) {
            events.add(raw(call.data(), call.write(), variant++));
            events.add(everyField());
        }
        long id = 0;
        for (io.tlsscope.events.StreamEvent event : events) {
            byte[] json = rendering.of(new io.tlsscope.events.Sequenced(++id, event));
            assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(SERVICE.writeValueAsString(VIEWS.of(event)));
        }
    }

    /** A statement with every optional field present, texts that need escaping, and a null in a list. */
    private static QueryEvent everyField() {
        return new QueryEvent(new ConnectionInfo(9, 1, "app \"x\"", tuple(), "postgresql", "bob", "db", "app"), "client", "query",
                "SELECT '\u0001'", Arrays.asList("1", null, "\\"), TIME.minusMillis(3), TIME, "SELECT 1", 1L, "22000", 1064, "bad\nthing",
                "idle", List.of("note"), new QueryEvent.CopySummary("in", 3, 99), List.of("a", "b"), 12L, 4096L, true, false);
    }

    /** A chunk with the optional fields present or absent, depending on variant. */
    private static TlsDataEvent raw(byte[] data, boolean write, int variant) {
        boolean odd = variant % 2 == 1;
        return new TlsDataEvent(TIME.plusNanos(variant * 1_000_001L), "77:" + variant, 4242, 77, "postgres", write ? Direction.WRITE : Direction.READ,
                SslFunction.SSL_WRITE_EX, odd ? new LibraryRef(3, null, null) : new LibraryRef(3, "fe:01", 339900L), 0x55fc5d296120L + variant,
                variant, variant, 5, odd ? FdMethod.NONE : FdMethod.LAYOUT, odd ? null : "openssl-3.0", variant % 3 == 0 ? null : tuple(),
                odd ? 0 : 1234, odd ? "0123456789ab" : null, data.length + variant % 5, variant % 4, variant % 2 == 0, variant % 3 == 1,
                variant % 5 == 1, data);
    }

    private static TcpTuple tuple() {
        return new TcpTuple(new InetSocketAddress("127.0.0.1", 40001), new InetSocketAddress("::1", 5432));
    }
}
