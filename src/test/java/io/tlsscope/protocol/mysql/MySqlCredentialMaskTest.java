package io.tlsscope.protocol.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.QueryEvent;
import io.tlsscope.testsupport.RecordedCalls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Masking on two real MariaDB logins captured from the mariadb client (fixtures/mysql/auth-client:
 * a mysql_native_password user, and an ed25519 user whose login goes through an auth switch).
 * The regions that must be blanked are found here by reading the packets directly: the auth
 * response of each HandshakeResponse and the whole auth switch response.
 */
class MySqlCredentialMaskTest {

    @Test
    void authDataIsBlankedExactlyHoweverTheCallsWereSplit() {
        List<RecordedCalls.Call> calls = RecordedCalls.load("mysql/auth-client");
        List<boolean[]> expected = calls.stream().map(MySqlCredentialMaskTest::authRegions).toList();
        long authBytes = expected.stream().mapToLong(MySqlCredentialMaskTest::count).sum();
        assertThat(authBytes).as("20-byte scrambles of both logins and the 64-byte ed25519 signature").isEqualTo(20 + 20 + 64);

        for (int piece : new int[] {0, 1, 3, 7, 64}) {
            MySqlCredentialMask mask = new MySqlCredentialMask();
            for (int i = 0; i < calls.size(); i++) {
                RecordedCalls.Call call = calls.get(i);
                byte[] masked = maskInPieces(mask, call, piece);
                for (int at = 0; at < masked.length; at++) {
                    byte want = expected.get(i)[at] ? MySqlCredentialMask.MASK : call.data()[at];
                    assertThat(masked[at]).as("call %d byte %d, pieces of %d", i, at, piece).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void theDecoderStillReadsUserDatabaseAndQueriesFromMaskedBytes() {
        MySqlCredentialMask mask = new MySqlCredentialMask();
        List<QueryEvent> events = new ArrayList<>();
        java.util.Map<String, MySqlSession> sessions = new java.util.HashMap<>();
        for (RecordedCalls.Call call : RecordedCalls.load("mysql/auth-client")) {
            byte[] masked = maskInPieces(mask, call, 0);
            MySqlSession session = sessions.computeIfAbsent(call.connection(),
                    key -> new MySqlSession("client", MySqlSessionTest.connection(), events::add));
            if (call.write()) {
                session.frontend(masked, Instant.EPOCH);
            } else {
                session.backend(masked, Instant.EPOCH);
            }
        }
        assertThat(events).extracting(event -> event.connection().user() + " " + event.statement())
                .containsExactly("app select current_user()", "edu select current_user()", "edu select sleep(0.1)");
        assertThat(events).allSatisfy(event -> assertThat(event.connection().database()).isEqualTo("shop"));
    }

    private static byte[] maskInPieces(MySqlCredentialMask mask, RecordedCalls.Call call, int piece) {
        byte[] out = new byte[call.data().length];
        int at = 0;
        for (byte[] part : RecordedCalls.pieces(call.data().clone(), piece)) {
            TlsDataEvent event = new TlsDataEvent(Instant.EPOCH, "1:1", 7, 7, "mariadb",
                    call.write() ? Direction.WRITE : Direction.READ, SslFunction.SSL_WRITE, 1,
                    Long.parseLong(call.connection().substring(2), 16), 3, FdMethod.LAYOUT, 0, null, 0, part.length, 0, true,
                    false, part);
            mask.mask(event);
            System.arraycopy(event.data(), 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /**
     * Which bytes of a call are authentication data: in a HandshakeResponse (sequence 2) the
     * length-prefixed auth response after the user name; in a client packet answering an auth
     * switch (sequence 4 here) the whole payload.
     */
    private static boolean[] authRegions(RecordedCalls.Call call) {
        byte[] data = call.data();
        boolean[] auth = new boolean[data.length];
        if (!call.write() || data.length < 5) {
            return auth;
        }
        int sequence = data[3] & 0xFF;
        if (sequence == 2) {
            int userEnd = 4 + 32;
            while (data[userEnd] != 0) {
                userEnd++;
            }
            int length = data[userEnd + 1] & 0xFF;
            Arrays.fill(auth, userEnd + 2, userEnd + 2 + length, true);
        } else if (sequence == 4) {
            Arrays.fill(auth, 4, data.length, true);
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
