package io.tlsscope.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.FdMethod;
import io.tlsscope.bpf.abi.SslFunction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBusTest {

    private static TlsDataEvent event(int sequence) {
        return new TlsDataEvent(Instant.now(), "1:" + sequence, 1, 1, "test", Direction.WRITE, SslFunction.SSL_WRITE,
                1, 0, 3, FdMethod.LAYOUT, 0, null, 0, 1, sequence, true, false, new byte[] {(byte) sequence});
    }

    @Test
    void aSlowSubscriberLosesItsOldestEventsAndTheyAreCounted() {
        EventBus bus = new EventBus();
        EventSubscription slow = bus.subscribe(3);
        EventSubscription fast = bus.subscribe(100);
        for (int i = 0; i < 10; i++) {
            bus.publish(event(i));
        }
        assertThat(drain(slow)).containsExactly(7, 8, 9);
        assertThat(slow.dropped()).isEqualTo(7);
        assertThat(drain(fast)).hasSize(10);
        assertThat(fast.dropped()).isZero();
        assertThat(bus.subscriberDrops()).isEqualTo(7);
        assertThat(bus.published()).isEqualTo(10);
    }

    @Test
    void dropsOfClosedSubscriptionsStayCounted() {
        EventBus bus = new EventBus();
        EventSubscription subscription = bus.subscribe(1);
        bus.publish(event(1));
        bus.publish(event(2));
        subscription.close();
        bus.publish(event(3));
        assertThat(bus.subscriberCount()).isZero();
        assertThat(bus.subscriberDrops()).isEqualTo(1);
    }

    private static List<Integer> drain(EventSubscription subscription) {
        List<Integer> sequences = new ArrayList<>();
        for (StreamEvent event = subscription.poll(); event != null; event = subscription.poll()) {
            sequences.add(((TlsDataEvent) event).chunkSequence());
        }
        return sequences;
    }
}
