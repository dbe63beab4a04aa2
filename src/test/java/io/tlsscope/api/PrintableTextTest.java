package io.tlsscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
}
