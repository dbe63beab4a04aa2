package io.tlsscope.protocol.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.ProtocolStage;
import io.tlsscope.testsupport.TestEvents;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Masking in the protocol stage follows message boundaries across SSL calls however they were
 * split, also for a connection whose start was not captured (fail closed). The frames are built
 * here because the recorded fixtures use trust auth; the end-to-end CredentialsNeverLeaveTest
 * covers real logins.
 */
class PgMaskingTest {
    private static final byte[] STARTUP = ByteBuffer.allocate(8 + 14).putInt(22).putInt(196608)
            .put("user\0alice\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII), 0, 14).array();

    @Test
    void aPasswordMessageSplitAcrossCallsIsBlankedAndNothingElseIs() {
        byte[] stream = concat(STARTUP, frame('p', "secret-pw\0"), frame('Q', "SELECT 1\0"));
        for (int piece : new int[] {1, 2, 5, 9, stream.length}) {
            String seen = passThrough(new ProtocolStage(), stream, piece);
            assertThat(seen).as("calls of %d bytes", piece).doesNotContain("secret").contains("SELECT 1").contains("alice")
                    .contains("*".repeat("secret-pw\0".length()));
        }
    }

    @Test
    void aLoginWhoseStartWasNotCapturedIsStillBlanked() {
        // tlsscope started after the startup packet: the first bytes it sees are the password
        byte[] password = frame('p', "late-secret\0");
        for (int piece : new int[] {1, 3, password.length}) {
            String seen = passThrough(new ProtocolStage(), password, piece);
            assertThat(seen).as("calls of %d bytes", piece).doesNotContain("secret");
        }
        byte[] sasl = frame('p', "n,,n=user,r=clientnonce-but-say-secret");
        assertThat(passThrough(new ProtocolStage(), concat(sasl, frame('p', "c=biws,r=nonce,p=proof-secret")), 0))
                .doesNotContain("secret");
    }

    /** Sends stream as frontend writes of one connection, cut into pieces (0: one call); returns what the stage let out. */
    private static String passThrough(ProtocolStage stage, byte[] stream, int piece) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int size = piece == 0 ? stream.length : piece;
        for (int start = 0; start < stream.length; start += size) {
            TlsDataEvent event = TestEvents.call(7, 0x1000, Direction.WRITE, Arrays.copyOfRange(stream, start, Math.min(stream.length, start + size)));
            stage.accept(event);
            seen.writeBytes(event.data());
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    static byte[] frame(char type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + bytes.length).put((byte) type).putInt(4 + bytes.length).put(bytes).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(all::writeBytes);
        return all.toByteArray();
    }
}
