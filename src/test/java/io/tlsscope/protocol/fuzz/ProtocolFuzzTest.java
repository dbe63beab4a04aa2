package io.tlsscope.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.ConnectionKeys;
import io.tlsscope.protocol.ProtocolSession;
import io.tlsscope.protocol.mysql.MySqlCredentialMask;
import io.tlsscope.protocol.mysql.MySqlSession;
import io.tlsscope.protocol.postgres.PgCredentialMask;
import io.tlsscope.protocol.postgres.PgSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of everything that reads captured bytes (Jazzer). Without JAZZER_FUZZ
 * these run as regression tests over the committed seeds and any earlier findings
 * (src/test/resources/io/tlsscope/protocol/fuzz/ProtocolFuzzTestInputs/&lt;target&gt;); scripts/fuzz.sh
 * fuzzes each target for a bounded time (CI: test.sh). The decoders must never throw; the masks
 * must blank what they promise whatever comes around it.
 */
class ProtocolFuzzTest {
    private static final byte MASK = '*';

    @FuzzTest
    void postgresSession(byte[] input) {
        replay(input, new PgSession("client", connection("postgresql"), event -> { }));
    }

    @FuzzTest
    void mysqlSession(byte[] input) {
        replay(input, new MySqlSession("client", connection("mysql"), event -> { }));
    }

    /**
     * After a v3 startup packet, however the frontend bytes go on and however they are split, the
     * body of every PasswordMessage ('p') that frames in the masked stream is all mask bytes. After a
     * Terminate ('X') the stream starts over with an untyped startup packet (a new connection on a
     * reused SSL object), as the mask expects.
     */
    @FuzzTest
    void postgresMask(byte[] input) {
        byte[] startup = ByteBuffer.allocate(9).putInt(9).putInt(196608).put((byte) 0).array();
        PgCredentialMask mask = new PgCredentialMask();
        byte[] masked = maskFrontend(input, startup, event -> mask.mask(ConnectionKeys.of(event), event));
        int at = startup.length;
        boolean untyped = false;
        while (at + (untyped ? 4 : 5) <= masked.length) {
            int header = untyped ? 4 : 5;
            long length = ByteBuffer.wrap(masked, at + header - 4, 4).getInt() & 0xFFFFFFFFL;
            long end = Math.min(masked.length, at + header - 4 + Math.max(4, length));
            if (!untyped && masked[at] == 'p') {
                for (int i = at + 5; i < end; i++) {
                    assertThat(masked[i]).as("byte %d of a 'p' body", i).isEqualTo(MASK);
                }
            }
            untyped = !untyped && masked[at] == 'X';
            at = (int) end;
        }
    }

    /**
     * A HandshakeResponse whose auth response comes from the input, then the input's calls as
     * frontend bytes, all cut at the input's call boundaries: the auth response is always blanked,
     * and nothing throws.
     */
    @FuzzTest
    void mysqlMask(byte[] input) {
        int authLength = input.length == 0 ? 0 : input[0] & 0x3F;
        byte[] auth = new byte[authLength];
        Arrays.fill(auth, (byte) 0x5A);
        byte[] handshake = handshakeResponse("fuzz", auth);
        MySqlCredentialMask mask = new MySqlCredentialMask();
        byte[] masked = maskFrontend(input, handshake, event -> mask.mask(ConnectionKeys.of(event), event));
        int authStart = 4 + 32 + "fuzz".length() + 1 + 1;
        for (int i = authStart; i < authStart + authLength; i++) {
            assertThat(masked[i]).as("auth byte %d", i).isEqualTo(MASK);
        }
    }

    private static void replay(byte[] input, ProtocolSession session) {
        for (CallScript.Call call : CallScript.parse(input).calls()) {
            if (call.frontend()) {
                session.frontend(call.data(), Instant.EPOCH);
            } else {
                session.backend(call.data(), Instant.EPOCH);
            }
        }
    }

    /** The opening, then every call of the input as frontend bytes, split as the input says; returns what left the mask. */
    private static byte[] maskFrontend(byte[] input, byte[] opening, java.util.function.Consumer<TlsDataEvent> mask) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int split = Math.max(1, input.length == 0 ? opening.length : (input[input.length - 1] & 0x1F) + 1);
        for (int start = 0; start < opening.length; start += split) {
            stream.writeBytes(masked(Arrays.copyOfRange(opening, start, Math.min(opening.length, start + split)), mask));
        }
        for (CallScript.Call call : CallScript.parse(input).calls()) {
            stream.writeBytes(masked(call.data(), mask));
        }
        return stream.toByteArray();
    }

    private static byte[] masked(byte[] call, java.util.function.Consumer<TlsDataEvent> mask) {
        TlsDataEvent event = new TlsDataEvent(Instant.EPOCH, "1:1", 7, 7, "fuzz", Direction.WRITE, SslFunction.SSL_WRITE, 1,
                0x1000, 3, FdMethod.LAYOUT, 0, null, 0, call.length, 0, true, false, call);
        mask.accept(event);
        return event.data();
    }

    /** HandshakeResponse41 (sequence 2): protocol 4.1, SSL and secure-connection flags, 1-byte auth length. */
    private static byte[] handshakeResponse(String user, byte[] auth) {
        int flags = 0x200 | 0x800 | 0x8000;
        ByteBuffer payload = ByteBuffer.allocate(32 + user.length() + 1 + 1 + auth.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        payload.putInt(flags).putInt(1 << 24).put((byte) 33).put(new byte[23]);
        payload.put(user.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 0).put((byte) auth.length).put(auth);
        byte[] body = payload.array();
        ByteBuffer packet = ByteBuffer.allocate(4 + body.length);
        packet.put((byte) body.length).put((byte) (body.length >> 8)).put((byte) (body.length >> 16)).put((byte) 2).put(body);
        return packet.array();
    }

    private static ConnectionInfo connection(String protocol) {
        return new ConnectionInfo(1, "fuzz", null, protocol, null, null, null);
    }
}
