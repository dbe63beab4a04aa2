package io.tlsscope.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordBufferTest {

    @Test
    void reservesUpToTheBoundAndNoFurther() {
        RecordBuffer buffer = new RecordBuffer(1000);
        assertThat(buffer.reserve(600)).isTrue();
        assertThat(buffer.reserve(401)).isFalse();
        assertThat(buffer.reserve(400)).isTrue();
        assertThat(buffer.bytes()).isEqualTo(1000);
        assertThat(buffer.records()).isEqualTo(2);
        buffer.release(600);
        assertThat(buffer.reserve(600)).isTrue();
        assertThat(buffer.bytes()).isEqualTo(1000);
    }

    @Test
    void stalledOnlyWhileRecordsWaitWithoutProgress() throws InterruptedException {
        RecordBuffer buffer = new RecordBuffer(1000);
        assertThat(buffer.stalledNanos(System.nanoTime() + 1_000_000_000L)).isZero();
        buffer.reserve(10);
        long reserved = System.nanoTime();
        assertThat(buffer.stalledNanos(reserved + 5_000_000_000L)).isGreaterThanOrEqualTo(4_000_000_000L);
        buffer.release(10);
        assertThat(buffer.stalledNanos(reserved + 5_000_000_000L)).isZero();
    }
}
