package io.tlsscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.testsupport.RecordedCalls;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrintableTextTest {

    @Test
    void plainUtf8IsShownExactly() {
        PrintableText.Rendering rendering = PrintableText.of("SELECT 'grüße';\n".getBytes(StandardCharsets.UTF_8));
        assertThat(rendering.text()).isEqualTo("SELECT 'grüße';\n");
        assertThat(rendering.exact()).isTrue();
    }

    @Test
    void aProtocolHeaderBeforeMostlyTextIsShownWithDots() {
        byte[] sql = "SELECT abalance FROM pgbench_accounts WHERE aid = 1;".getBytes(StandardCharsets.US_ASCII);
        byte[] message = ByteBuffer.allocate(sql.length + 6).put((byte) 'Q').putInt(sql.length + 5).put(sql).put((byte) 0).array();
        PrintableText.Rendering rendering = PrintableText.of(message);
        assertThat(rendering.exact()).isFalse();
        assertThat(rendering.text()).hasSize(message.length).startsWith("Q").contains(new String(sql, StandardCharsets.US_ASCII));
    }

    @Test
    void binaryIsNotRenderedAsText() {
        byte[] binary = new byte[64];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 37);
        }
        assertThat(PrintableText.of(binary)).isNull();
    }

    @Test
    void asciiWithAControlCharacterIsShownWithADot() {
        PrintableText.Rendering rendering = PrintableText.of("BEGIN;\u0001COMMIT;\u007f".getBytes(StandardCharsets.US_ASCII));
        assertThat(rendering.text()).isEqualTo("BEGIN;.COMMIT;.");
        assertThat(rendering.exact()).isFalse();
    }

    /**
     * The rendering skips the UTF-8 decoder for bytes with a control character and for ASCII; it must
     * render exactly as decoding everything did: strictly decoded text with only printable code
     * points is exact, anything else byte-wise. Over every recorded session's calls and random
     * mixes of text, multi-byte characters, controls and invalid bytes.
     */
    @Test
    void rendersAsStrictDecodingOfEveryChunkWould() throws Exception {
        List<byte[]> chunks = new ArrayList<>();
        for (String fixture : List.of("pg/psql-client", "pg/psql-backend", "pg/copy-notice-backend", "mysql/mariadb-cli-server")) {
            RecordedCalls.load(fixture).forEach(call -> chunks.add(call.data()));
        }
        SplittableRandom random = new SplittableRandom(7);
        byte[][] pieces = {"SELECT ".getBytes(StandardCharsets.UTF_8), "grüße ".getBytes(StandardCharsets.UTF_8),
            "\u20ac\u2028".getBytes(StandardCharsets.UTF_8), {0}, {'\n'}, {(byte) 0xc3}, {(byte) 0x85}, {(byte) 0xff}, {0x7f}};
        for (int i = 0; i < 20_000; i++) {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            for (int n = random.nextInt(1, 8); n > 0; n--) {
                chunk.writeBytes(pieces[random.nextInt(random.nextInt(1, pieces.length + 1))]);
            }
            chunks.add(chunk.toByteArray());
        }
        for (byte[] chunk : chunks) {
            assertThat(PrintableText.of(chunk)).as("%s", Arrays.toString(chunk)).isEqualTo(decodingEverything(chunk));
        }
    }

    /** The rendering as it was made before the shortcuts: the reference. */
    private static PrintableText.Rendering decodingEverything(byte[] data) throws Exception {
        if (data.length == 0) {
            return new PrintableText.Rendering("", true);
        }
        try {
            String decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
            if (decoded.codePoints().allMatch(c -> c == '\n' || c == '\r' || c == '\t' || c >= 0x20 && c != 0x7f && !Character.isISOControl(c))) {
                return new PrintableText.Rendering(decoded, true);
            }
        } catch (CharacterCodingException notUtf8) {
            // byte-wise below
        }
        StringBuilder text = new StringBuilder();
        int printable = 0;
        for (byte b : data) {
            boolean shown = b >= 0x20 && b != 0x7f || b == '\n' || b == '\r' || b == '\t';
            text.append(shown ? (char) b : '.');
            printable += shown ? 1 : 0;
        }
        return printable >= data.length * 0.75 ? new PrintableText.Rendering(text.toString(), false) : null;
    }
}
