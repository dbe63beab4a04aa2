package io.tlsscope.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlsscope.protocol.BodyMask;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.KeptBytes;
import io.tlsscope.protocol.ProtocolSession;
import io.tlsscope.protocol.mysql.MySqlSession;
import io.tlsscope.protocol.postgres.PgSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Coverage-guided fuzzing of everything that reads captured bytes (Jazzer). Without JAZZER_FUZZ
 * these run as regression tests over the committed seeds and any earlier findings
 * (src/test/resources/io/tlsscope/protocol/fuzz/ProtocolFuzzTestInputs/&lt;target&gt;); scripts/fuzz.sh
 * fuzzes each target for a bounded time (CI: test.sh). The decoders must never throw; the masks,
 * which walk the same framing, must blank what they promise whatever comes around it.
 */
class ProtocolFuzzTest {

    /** Small enough that long messages meet it: bodies are cut short, and give back all they held when released. */
    private static final long KEPT_BYTES = 4096;

    @FuzzTest
    void postgresSession(byte[] input) {
        KeptBytes kept = new KeptBytes(KEPT_BYTES);
        replay(input, new PgSession("client", connection("postgresql"), event -> { }, true, kept), kept);
    }

    @FuzzTest
    void mysqlSession(byte[] input) {
        KeptBytes kept = new KeptBytes(KEPT_BYTES);
        replay(input, new MySqlSession("client", connection("mysql"), event -> { }, true, kept), kept);
    }

    /**
     * After a v3 startup packet, however the frontend bytes go on and however they are split: while
     * the stream frames (up to the first impossible length), the body of every PasswordMessage ('p')
     * is all blank bytes; after a Terminate ('X') the stream starts over with an untyped startup
     * packet (a new connection on a reused SSL object). Where a 'p' header states an impossible
     * length, the rest of its call is blank.
     */
    @FuzzTest
    void postgresMask(byte[] input) {
        byte[] startup = ByteBuffer.allocate(9).putInt(9).putInt(196608).put((byte) 0).array();
        PgSession session = new PgSession("client", connection("postgresql"), event -> { }, true, new KeptBytes(Long.MAX_VALUE));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        java.util.List<Integer> callEnds = new java.util.ArrayList<>();
        feedFrontend(input, startup, call -> {
            session.frontend(call, Instant.EPOCH);
            stream.writeBytes(call);
            callEnds.add(stream.size());
        });
        byte[] masked = stream.toByteArray();
        int at = 0;
        boolean untyped = true;
        while (at + (untyped ? 4 : 5) <= masked.length) {
            int header = untyped ? 4 : 5;
            int length = ByteBuffer.wrap(masked, at + header - 4, 4).getInt();
            boolean password = !untyped && masked[at] == 'p';
            if (length < 4 || length > 64 * 1024 * 1024) {
                if (password) {
                    assertBlank(masked, at + header, Math.max(at + header, endOfCallAt(callEnds, at + header - 1)), "after a broken 'p'");
                }
                return;
            }
            int end = (int) Math.min(masked.length, (long) at + header - 4 + length);
            if (password) {
                assertBlank(masked, at + 5, end, "a 'p' body");
            }
            untyped = !untyped && masked[at] == 'X';
            at = end;
        }
    }

    /**
     * A HandshakeResponse whose auth response comes from the input, then the input's calls as
     * frontend bytes, all cut at the input's call boundaries: everything after the user name of
     * the login is always blanked, and nothing throws.
     */
    @FuzzTest
    void mysqlMask(byte[] input) {
        int authLength = input.length == 0 ? 0 : input[0] & 0x3F;
        byte[] auth = new byte[authLength];
        Arrays.fill(auth, (byte) 0x5A);
        byte[] handshake = handshakeResponse("fuzz", auth);
        MySqlSession session = new MySqlSession("client", connection("mysql"), event -> { }, true, new KeptBytes(Long.MAX_VALUE));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        feedFrontend(input, handshake, call -> {
            session.frontend(call, Instant.EPOCH);
            stream.writeBytes(call);
        });
        int userEnd = 4 + 32 + "fuzz".length();
        assertBlank(stream.toByteArray(), userEnd + 1, handshake.length, "the login after the user name");
    }

    private static void assertBlank(byte[] bytes, int from, int to, String what) {
        for (int i = from; i < to; i++) {
            assertThat(bytes[i]).as("byte %d of %s", i, what).isEqualTo(BodyMask.BLANK);
        }
    }

    /** Where the call holding byte position ends. */
    private static int endOfCallAt(java.util.List<Integer> callEnds, int position) {
        return callEnds.stream().filter(end -> end > position).findFirst().orElse(position + 1);
    }

    private static void replay(byte[] input, ProtocolSession session, KeptBytes kept) {
        for (CallScript.Call call : CallScript.parse(input).calls()) {
            if (call.skippedBefore() > 0) {
                session.tail(call.frontend(), call.skippedBefore(), call.data(), Instant.EPOCH);
            } else if (call.frontend()) {
                session.frontend(call.data(), Instant.EPOCH);
            } else {
                session.backend(call.data(), Instant.EPOCH);
            }
        }
        assertThat(kept.used()).as("memory held by bodies in flight").isBetween(0L, KEPT_BYTES);
        session.release();
        assertThat(kept.used()).as("memory held after the session was released").isZero();
    }

    /** The opening, split as the input's last byte says, then every call of the input, as frontend calls. */
    private static void feedFrontend(byte[] input, byte[] opening, Consumer<byte[]> calls) {
        int split = Math.max(1, input.length == 0 ? opening.length : (input[input.length - 1] & 0x1F) + 1);
        for (int start = 0; start < opening.length; start += split) {
            calls.accept(Arrays.copyOfRange(opening, start, Math.min(opening.length, start + split)));
        }
        for (CallScript.Call call : CallScript.parse(input).calls()) {
            calls.accept(call.data());
        }
    }

    /** HandshakeResponse41 (sequence 2): protocol 4.1, SSL and secure-connection flags, 1-byte auth length. */
    private static byte[] handshakeResponse(String user, byte[] auth) {
        int flags = 0x200 | 0x800 | 0x8000;
        ByteBuffer payload = ByteBuffer.allocate(32 + user.length() + 1 + 1 + auth.length).order(ByteOrder.LITTLE_ENDIAN);
        payload.putInt(flags).putInt(1 << 24).put((byte) 33).put(new byte[23]);
        payload.put(user.getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) auth.length).put(auth);
        byte[] body = payload.array();
        ByteBuffer packet = ByteBuffer.allocate(4 + body.length);
        packet.put((byte) body.length).put((byte) (body.length >> 8)).put((byte) (body.length >> 16)).put((byte) 2).put(body);
        return packet.array();
    }

    private static ConnectionInfo connection(String protocol) {
        return new ConnectionInfo(1, 1, "fuzz", null, protocol, null, null, null);
    }
}
