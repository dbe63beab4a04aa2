package io.tlsscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.testsupport.TestEvents;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    @Test
    void containsFindsTextInRawBytesReadAsLatin1() throws EventFilter.InvalidFilter {
        byte[] bytes = "Q\0\0\0\u0015SELECT 'caf\u00e9' AS x\0".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(matches("SELECT", bytes)).isTrue();
        assertThat(matches("caf\u00e9", bytes)).isTrue();
        assertThat(matches("AS x\0", bytes)).as("up to the last byte").isTrue();
        assertThat(matches("AS y", bytes)).isFalse();
        assertThat(matches("caf\u20ac", bytes)).as("a character beyond Latin-1 is never in bytes read as Latin-1").isFalse();
        assertThat(matches("caf?", "caf?".getBytes(StandardCharsets.ISO_8859_1))).isTrue();
        assertThat(matches("caf\u20ac", "caf?".getBytes(StandardCharsets.ISO_8859_1))).isFalse();
        assertThat(matches("longer than the chunk", "short".getBytes(StandardCharsets.ISO_8859_1))).isFalse();
    }

    private static boolean matches(String contains, byte[] bytes) throws EventFilter.InvalidFilter {
        EventFilter filter = EventFilter.parse(Map.of("contains", contains)::get);
        return filter.predicate().test(TestEvents.call(1, 1, Direction.WRITE, bytes));
    }
}
