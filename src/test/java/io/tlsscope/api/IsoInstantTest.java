package io.tlsscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    @Test
    void formatsAsInstantToString() {
        SplittableRandom random = new SplittableRandom(42);
        long now = Instant.parse("2026-12-02T10:15:30Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            long second = i % 3 == 0 ? now : now + random.nextLong(-400_000_000L, 400_000_000L);
            int nanos = switch (i % 5) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                case 3 -> random.nextInt(10) * 100_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            assertThat(IsoInstant.format(instant)).as("%d.%09d", second, nanos).isEqualTo(instant.toString());
        }
        assertThat(IsoInstant.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(IsoInstant.format(Instant.ofEpochSecond(-1, 1))).isEqualTo(Instant.ofEpochSecond(-1, 1).toString());
    }
}
