package io.tlsscope.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.testsupport.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventBusTest {

    @Test
    void aResumeGetsTheKeptEventsAfterItsIdAndCountsWhatFellOut() {
        try (EventBus bus = new EventBus(3, 1 << 20)) {
            for (int i = 1; i <= 5; i++) {
                bus.publish(event(i)); // ids 1..5; ids 3, 4, 5 kept
            }
            EventBus.Resumed fresh = bus.resume(4, 10, event -> true);
            assertThat(ids(fresh.subscription())).containsExactly(5L);
            assertThat(fresh.missed()).isZero();
            EventBus.Resumed late = bus.resume(1, 10, event -> true);
            assertThat(ids(late.subscription())).containsExactly(3L, 4L, 5L);
            assertThat(late.missed()).as("id 2 fell out").isEqualTo(1);
            EventBus.Resumed filtered = bus.resume(0, 10, event -> ((TlsDataEvent) event).chunkSequence() % 2 == 0);
            assertThat(ids(filtered.subscription())).containsExactly(4L);
            assertThat(filtered.missed()).isEqualTo(2);
            assertThat(bus.resumeMissed()).isEqualTo(3);
            bus.publish(event(6));
            assertThat(late.subscription().pollSequenced().id()).as("the resumed subscription goes on with the next id").isEqualTo(6);
            assertThat(bus.resume(99, 10, event -> true).missed()).as("an id from before a restart").isEqualTo(EventBus.UNKNOWN_MISSED);
            assertThat(bus.subscriberDrops()).isZero();
        }
    }

    @Test
    void theReplayIsBoundedByBytesTooAndInternalSubscribersAreNoClients() {
        try (EventBus bus = new EventBus(1000, 3 * (EventLog.EVENT_OVERHEAD + 1))) {
            for (int i = 1; i <= 10; i++) {
                bus.publish(event(i)); // 1 byte of data each, EVENT_OVERHEAD + 1 bytes of event
            }
            assertThat(ids(bus.resume(0, 10, event -> true).subscription())).containsExactly(8L, 9L, 10L);
            EventSubscription decoder = bus.subscribeInternal(1, event -> true);
            bus.publish(event(11));
            bus.publish(event(12));
            assertThat(decoder.pollSequenced().id()).as("one event behind the newest at most").isEqualTo(12);
            assertThat(decoder.dropped()).isEqualTo(1);
            assertThat(bus.subscriberCount()).as("the resume's subscription only").isEqualTo(1);
            assertThat(bus.subscriberDrops()).isZero();
        }
    }

    @Test
    void aSlowSubscriberLosesItsOldestEventsAndTheyAreCounted() {
        try (EventBus bus = new EventBus()) {
            EventSubscription slow = bus.subscribe(3);
            EventSubscription fast = bus.subscribe(100);
            for (int i = 0; i < 10; i++) {
                bus.publish(event(i));
            }
            assertThat(drain(slow)).containsExactly(7, 8, 9);
            assertThat(slow.dropped()).isEqualTo(7);
            assertThat(slow.takeUnreported()).as("to be announced to its client, once").isEqualTo(7);
            assertThat(slow.takeUnreported()).isZero();
            assertThat(drain(fast)).hasSize(10);
            assertThat(fast.dropped()).isZero();
            assertThat(bus.subscriberDrops()).isEqualTo(7);
            assertThat(bus.published()).isEqualTo(10);
        }
    }

    @Test
    void onlySkippedEventsTheFilterAcceptsCountAsDropped() {
        try (EventBus bus = new EventBus()) {
            EventSubscription evens = bus.subscribe(2, event -> ((TlsDataEvent) event).chunkSequence() % 2 == 0);
            for (int i = 1; i <= 10; i++) {
                bus.publish(event(i));
            }
            assertThat(evens.lagsBeyondCapacity()).isTrue();
            evens.skipBeyondCapacity(); // a client that cannot take events now still counts what it loses
            assertThat(evens.lagsBeyondCapacity()).isFalse();
            assertThat(evens.dropped()).as("2, 4, 6, 8 of the skipped 1..8").isEqualTo(4);
            assertThat(drain(evens)).containsExactly(10);
        }
    }

    @Test
    void eventsThatFellOutBeforeTheSubscriberLookedAreCountedAsDropped() {
        try (EventBus bus = new EventBus(8, 1 << 20)) {
            EventSubscription resumed = bus.resume(0, 100, event -> true).subscription(); // 4 behind at most: half the log
            for (int i = 1; i <= 10; i++) {
                bus.publish(event(i));
            }
            assertThat(drain(resumed)).containsExactly(7, 8, 9, 10);
            assertThat(resumed.dropped()).isEqualTo(6);
        }
    }

    @Test
    void aResumedSubscriberThatDoesNotReadCountsWhatFellOutAsItHappens() {
        try (EventBus bus = new EventBus(8, 1 << 20)) {
            for (int i = 1; i <= 10; i++) {
                bus.publish(event(i));
            }
            EventSubscription replaying = bus.resume(6, 100, event -> true).subscription();
            assertThat(replaying.lagsBeyondCapacity()).as("its replay is still kept").isFalse();
            for (int i = 11; i <= 20; i++) {
                bus.publish(event(i));
            }
            assertThat(replaying.lagsBeyondCapacity()).as("the log moved past its replay").isTrue();
            replaying.skipBeyondCapacity(); // what a consumer whose client does not read does when told
            assertThat(replaying.dropped()).as("ids 7..16").isEqualTo(10);
            assertThat(replaying.takeUnreported()).isEqualTo(10);
            assertThat(drain(replaying)).containsExactly(17, 18, 19, 20);
            assertThat(replaying.dropped()).isEqualTo(10);
        }
    }

    @Test
    void dropsOfClosedSubscriptionsStayCounted() {
        try (EventBus bus = new EventBus()) {
            EventSubscription subscription = bus.subscribe(1);
            bus.publish(event(1));
            bus.publish(event(2));
            assertThat(drain(subscription)).containsExactly(2);
            subscription.close();
            bus.publish(event(3));
            assertThat(bus.subscriberCount()).isZero();
            assertThat(bus.subscriberDrops()).isEqualTo(1);
        }
    }

    @Test
    void concurrentPublishersReachEverySubscriberInOneOrderWithoutGapsOrDuplicates() throws Exception {
        int publishers = 4;
        int each = 50_000;
        try (EventBus bus = new EventBus(1 << 20, 1L << 30)) { // room for every event: the reader may fall far behind
            EventSubscription reader = bus.subscribe(1 << 30);
            Set<String> filterThreads = ConcurrentHashMap.newKeySet();
            EventSubscription filtered = bus.subscribe(1 << 30, event -> {
                filterThreads.add(Thread.currentThread().getName());
                return true;
            });
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                threads.add(Thread.ofPlatform().name("publisher-" + p).start(() -> {
                    for (int i = 0; i < each; i++) {
                        bus.publish(event(i));
                    }
                }));
            }
            List<Long> ids = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ids.size() + reader.dropped() < publishers * each && System.nanoTime() < deadline) {
                Sequenced next = reader.pollSequenced();
                if (next == null) {
                    Thread.onSpinWait();
                } else {
                    ids.add(next.id());
                }
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(ids).hasSize(publishers * each);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(ids.get(i)).as("the %d-th id read", i).isEqualTo(i + 1);
            }
            assertThat(reader.dropped()).isZero();
            assertThat(filterThreads).as("no filter ran on a publisher's thread").isEmpty();
            assertThat(drain(filtered)).hasSize(publishers * each);
            assertThat(filterThreads).containsExactly(Thread.currentThread().getName());
        }
    }

    @Test
    void subscribersAreToldOfNewEventsOnTheWakeUpThreadNeverThePublishers() throws Exception {
        try (EventBus bus = new EventBus()) {
            EventSubscription subscription = bus.subscribe(100);
            CountDownLatch told = new CountDownLatch(1);
            Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
            subscription.onAvailable(() -> {
                listenerThreads.add(Thread.currentThread().getName());
                told.countDown();
            });
            bus.publish(event(1));
            assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(listenerThreads).containsExactly("tlsscope-bus-wakeup");
            assertThat(drain(subscription)).containsExactly(1);
        }
    }

    @Test
    void aSubscriberThatReadsOnlyWhenToldGetsEveryEvent() throws Exception {
        int publishers = 2;
        int each = 100_000;
        try (EventBus bus = new EventBus(1 << 20, 1L << 30)) {
            EventSubscription subscription = bus.subscribe(1 << 30);
            Semaphore told = new Semaphore(0);
            subscription.onAvailable(told::release);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        bus.publish(event(i));
                        if (i % 1000 == 999) {
                            Thread.yield(); // bursts and pauses, so that the wake-up thread goes to sleep and is woken many times
                        }
                    }
                }));
            }
            long received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received < publishers * each && System.nanoTime() < deadline) {
                if (told.tryAcquire(1, TimeUnit.SECONDS)) { // a lost wake-up leaves the rest unread: the count falls short
                    for (Sequenced next = subscription.pollSequenced(); next != null; next = subscription.pollSequenced()) {
                        received++;
                    }
                }
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(received).isEqualTo(publishers * each);
            assertThat(subscription.dropped()).isZero();
        }
    }

    private static TlsDataEvent event(int sequence) {
        return TestEvents.chunk(1, sequence, Direction.WRITE, new byte[] {(byte) sequence}, sequence, true);
    }

    private static List<Long> ids(EventSubscription subscription) {
        List<Long> ids = new ArrayList<>();
        for (Sequenced next = subscription.pollSequenced(); next != null; next = subscription.pollSequenced()) {
            ids.add(next.id());
        }
        return ids;
    }

    private static List<Integer> drain(EventSubscription subscription) {
        List<Integer> sequences = new ArrayList<>();
        for (StreamEvent event = subscription.poll(); event != null; event = subscription.poll()) {
            sequences.add(((TlsDataEvent) event).chunkSequence());
        }
        return sequences;
    }
}
