package io.tlsscope.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.testsupport.TestEvents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBusTest {

    @Test
    void aResumeGetsTheKeptEventsAfterItsIdAndCountsWhatFellOut() {
        EventBus bus = new EventBus(3, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            bus.publish(event(i)); // ids 1..5; ids 3, 4, 5 kept
        }
        EventBus.Resumed fresh = bus.resume(4, 10, event -> true);
        assertThat(fresh.replay()).extracting(Sequenced::id).containsExactly(5L);
        assertThat(fresh.missed()).isZero();
        EventBus.Resumed late = bus.resume(1, 10, event -> true);
        assertThat(late.replay()).extracting(Sequenced::id).containsExactly(3L, 4L, 5L);
        assertThat(late.missed()).as("id 2 fell out").isEqualTo(1);
        EventBus.Resumed filtered = bus.resume(0, 10, event -> ((TlsDataEvent) event).chunkSequence() % 2 == 0);
        assertThat(filtered.replay()).extracting(Sequenced::id).containsExactly(4L);
        assertThat(filtered.missed()).isEqualTo(2);
        assertThat(bus.resumeMissed()).isEqualTo(3);
        bus.publish(event(6));
        assertThat(late.live().pollSequenced().id()).as("the live subscription goes on from the next id").isEqualTo(6);
        assertThat(bus.resume(99, 10, event -> true).missed()).as("an id from before a restart").isEqualTo(-1);
    }

    @Test
    void theReplayIsBoundedByBytesTooAndInternalSubscribersAreNoClients() {
        EventBus bus = new EventBus(1000, 3 * (256 + 1));
        for (int i = 1; i <= 10; i++) {
            bus.publish(event(i)); // 1 byte of data each, about 256 bytes of event
        }
        assertThat(bus.resume(0, 10, event -> true).replay()).extracting(Sequenced::id).containsExactly(8L, 9L, 10L);
        EventSubscription decoder = bus.subscribeInternal(1, event -> true);
        bus.publish(event(11));
        bus.publish(event(12));
        assertThat(decoder.dropped()).isEqualTo(1);
        assertThat(bus.subscriberCount()).as("the resume's subscription only").isEqualTo(1);
        assertThat(bus.subscriberDrops()).isZero();
    }

    private static TlsDataEvent event(int sequence) {
        return TestEvents.chunk(1, sequence, Direction.WRITE, new byte[] {(byte) sequence}, sequence, true);
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
