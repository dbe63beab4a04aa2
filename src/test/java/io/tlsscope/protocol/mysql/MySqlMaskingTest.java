package io.tlsscope.protocol.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.BodyMask;
import io.tlsscope.protocol.ProtocolStage;
import io.tlsscope.protocol.QueryEvent;
import io.tlsscope.testsupport.RecordedCalls;
import io.tlsscope.testsupport.TestEvents;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Masking in the protocol stage on two real MariaDB logins, captured from the mariadb client and
 * from the server (fixtures/mysql/auth-*: a mysql_native_password user, and an ed25519 user whose
 * login goes through an auth switch). The regions that must be blanked are found here by reading
 * the packets directly: everything after the user name of each HandshakeResponse (auth response,
 * database, plugin, attributes), and the whole auth switch response.
 */
class MySqlMaskingTest {

    @Test
    void authDataIsBlankedExactlyHoweverTheCallsWereSplit() {
        // the client's recording has two processes; the server's has both logins on one SSL object
        // (the server reused its address), read as 4-byte headers and then bodies
        for (String side : List.of("client", "server")) {
            List<RecordedCalls.Call> calls = RecordedCalls.load("mysql/auth-" + side);
            boolean frontendWrites = side.equals("client");
            byte[] original = frontendStream(calls, frontendWrites, call -> call.data());
            boolean[] expected = authRegions(original);
            assertThat(count(expected)).as("more than the 20-byte scrambles of both logins and the 64-byte ed25519 signature")
                    .isGreaterThan(20 + 20 + 64);
            for (int piece : new int[] {0, 1, 3, 7, 64}) {
                ProtocolStage stage = new ProtocolStage();
                byte[] masked = frontendStream(calls, frontendWrites, call -> passInPieces(stage, call, piece));
                for (int at = 0; at < original.length; at++) {
                    byte want = expected[at] ? BodyMask.BLANK : original[at];
                    assertThat(masked[at]).as("%s byte %d, pieces of %d", side, at, piece).isEqualTo(want);
                }
            }
        }
    }

    /** The frontend bytes of a recording in order, each call passed through a function (masking feeds every call). */
    private static byte[] frontendStream(List<RecordedCalls.Call> calls, boolean frontendWrites,
                                         java.util.function.Function<RecordedCalls.Call, byte[]> pass) {
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (RecordedCalls.Call call : calls) {
            byte[] bytes = pass.apply(call);
            if (call.write() == frontendWrites) {
                stream.writeBytes(bytes);
            }
        }
        return stream.toByteArray();
    }

    @Test
    void theSameWalkStillReadsUserDatabaseAndQueries() {
        ProtocolStage stage = new ProtocolStage();
        List<QueryEvent> events = new ArrayList<>();
        for (RecordedCalls.Call call : RecordedCalls.load("mysql/auth-server")) {
            events.addAll(stage.accept(event(call, call.data().clone())));
        }
        assertThat(events).extracting(event -> event.connection().user() + " " + event.statement())
                .containsExactly("app select current_user()", "edu select current_user()", "edu select sleep(0.1)");
        assertThat(events).allSatisfy(event -> assertThat(event.connection().database()).isEqualTo("shop"));
    }

    private static byte[] passInPieces(ProtocolStage stage, RecordedCalls.Call call, int piece) {
        byte[] out = new byte[call.data().length];
        int at = 0;
        for (byte[] part : RecordedCalls.pieces(call.data().clone(), piece)) {
            TlsDataEvent event = event(call, part);
            stage.accept(event);
            System.arraycopy(event.data(), 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static TlsDataEvent event(RecordedCalls.Call call, byte[] data) {
        return TestEvents.call(7, Long.parseLong(call.connection().substring(2), 16), call.write() ? Direction.WRITE : Direction.READ, data);
    }

    /**
     * Which bytes of a frontend stream are authentication data, packet by packet: in a
     * HandshakeResponse (sequence 2) the length-prefixed auth response after the user name; in the
     * client's answer to an auth switch (sequence 4 in these logins) the whole payload.
     */
    private static boolean[] authRegions(byte[] stream) {
        boolean[] auth = new boolean[stream.length];
        for (int at = 0; at + 4 <= stream.length; ) {
            int length = (stream[at] & 0xFF) | (stream[at + 1] & 0xFF) << 8 | (stream[at + 2] & 0xFF) << 16;
            int sequence = stream[at + 3] & 0xFF;
            int body = at + 4;
            if (sequence == 2) {
                int userEnd = body + 32;
                while (stream[userEnd] != 0) {
                    userEnd++;
                }
                Arrays.fill(auth, userEnd + 1, body + length, true);
            } else if (sequence == 4) {
                Arrays.fill(auth, body, body + length, true);
            }
            at = body + length;
        }
        return auth;
    }

    private static long count(boolean[] flags) {
        long count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        return count;
    }
}
