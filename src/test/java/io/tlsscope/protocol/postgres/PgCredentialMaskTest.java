package io.tlsscope.protocol.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.ConnectionKeys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Masking follows message boundaries across SSL calls however they were split. The frames are
 * built here (startup, PasswordMessage, Query) because the recorded fixtures use trust auth; the
 * end-to-end CredentialsNeverLeaveTest covers a real cleartext-password login.
 */
class PgCredentialMaskTest {

    @Test
    void aPasswordMessageSplitAcrossCallsIsBlankedAndNothingElseIs() {
        byte[] startup = ByteBuffer.allocate(8 + 14).putInt(22).putInt(196608).put("user\0alice\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII), 0, 14).array();
        byte[] password = frame('p', "secret-pw\0");
        byte[] query = frame('Q', "SELECT 1\0");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(startup);
        all.writeBytes(password);
        all.writeBytes(query);
        byte[] stream = all.toByteArray();

        for (int piece : new int[] {1, 2, 5, 9, stream.length}) {
            PgCredentialMask mask = new PgCredentialMask();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            for (int start = 0; start < stream.length; start += piece) {
                byte[] call = Arrays.copyOfRange(stream, start, Math.min(stream.length, start + piece));
                TlsDataEvent event = event(call, start == 0);
                mask.mask(ConnectionKeys.of(event), event);
                seen.writeBytes(event.data());
            }
            String text = seen.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).as("calls of %d bytes", piece).doesNotContain("secret").contains("SELECT 1").contains("alice")
                    .contains("*".repeat("secret-pw\0".length()));
        }
    }

    private static TlsDataEvent event(byte[] data, boolean first) {
        return new TlsDataEvent(Instant.EPOCH, "1:1", 7, 7, "psql", Direction.WRITE, SslFunction.SSL_WRITE, 1, 0x1000, 3,
                FdMethod.LAYOUT, 0, null, 0, data.length, 0, true, false, data);
    }

    private static byte[] frame(char type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + bytes.length).put((byte) type).putInt(4 + bytes.length).put(bytes).array();
    }
}
