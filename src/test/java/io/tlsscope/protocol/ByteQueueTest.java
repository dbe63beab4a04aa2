package io.tlsscope.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The framing buffer gives back exactly what went in, in order, across growth and compaction. */
class ByteQueueTest {

    @Test
    void whatIsTakenIsWhatWasAppendedInOrder() {
        Random random = new Random(42);
        ByteQueue queue = new ByteQueue();
        ByteArrayOutputStream appended = new ByteArrayOutputStream();
        ByteArrayOutputStream taken = new ByteArrayOutputStream();
        for (int round = 0; round < 2000; round++) {
            byte[] call = new byte[random.nextInt(3000)];
            random.nextBytes(call);
            queue.append(call);
            appended.writeBytes(call);
            int count = random.nextInt(queue.size() + 1);
            taken.writeBytes(queue.take(count));
        }
        taken.writeBytes(queue.take(queue.size()));
        assertThat(taken.toByteArray()).isEqualTo(appended.toByteArray());
    }

    @Test
    void integersAreReadAtTheFront() {
        ByteQueue queue = new ByteQueue();
        queue.append(new byte[] {9, 0x01, 0x02, 0x03, 0x04});
        queue.skip(1);
        assertThat(queue.bigEndianInt(0)).isEqualTo(0x01020304);
        assertThat(queue.littleEndian24(0)).isEqualTo(0x030201);
        assertThat(queue.unsignedByte(3)).isEqualTo(4);
        queue.clear();
        assertThat(queue.size()).isZero();
    }
}
