package io.tlsscope.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.testsupport.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventLogTest {

    @Test
    void holdsTheNewestWithinCountAndBytesAndAccountsForEveryByte() {
        EventLog log = new EventLog(100, 20_000);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 5_000; i++) {
            log.append(event(random.nextInt(0, 400)));
            assertHeldMatchesAccount(log);
            assertThat(log.heldBytes()).isLessThanOrEqualTo(20_000 + EventLog.EVENT_OVERHEAD + 400);
            assertThat(log.newest() - log.oldest() + 1).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void concurrentPublishersAndEvictionsKeepTheAccountExact() throws Exception {
        EventLog log = new EventLog(64, 64 * (EventLog.EVENT_OVERHEAD + 100));
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int seed = p;
            publishers.add(Thread.ofPlatform().start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < 200_000; i++) {
                    log.append(event(random.nextInt(0, 300)));
                }
            }));
        }
        for (Thread publisher : publishers) {
            publisher.join();
        }
        assertThat(log.newest()).isEqualTo(800_000);
        assertHeldMatchesAccount(log);
    }

    @Test
    void anIdNotWrittenYetIsWaitedForAndOneBeyondTheNewestIsNotThereYet() {
        EventLog log = new EventLog(8, 1 << 20);
        assertThat(log.read(1)).isNull();
        log.append(event(1));
        assertThat(log.read(1).id()).isEqualTo(1);
        assertThat(log.read(2)).isNull();
        for (int i = 0; i < 8; i++) {
            log.append(event(1));
        }
        assertThat(log.read(1)).isSameAs(EventLog.GONE);
    }

    private static void assertHeldMatchesAccount(EventLog log) {
        long held = 0;
        for (long id = log.oldest(); id <= log.newest(); id++) {
            Sequenced event = log.read(id);
            if (event != null && event != EventLog.GONE) {
                held += EventLog.weight(event.event());
            }
        }
        assertThat(log.heldBytes()).isEqualTo(held);
    }

    private static TlsDataEvent event(int bytes) {
        return TestEvents.chunk(1, 1, Direction.WRITE, new byte[bytes], 0, true);
    }
}
