package io.tlsscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.events.EventBus;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.TestEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The event stream's delivery promises on the production route and bus, without the kernel: a
 * client that fell behind loses events and is told how many before the next one it gets, so that
 * what it received and what it was told it lost add up to every event; clients that never read
 * cost the others nothing; a resume gets the kept events after its id, then the live ones.
 */
class EventStreamDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Large enough that a few hundred events fill a client's socket buffers. */
    private static final byte[] CHUNK = "x".repeat(2000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Test
    void aClientThatFellBehindIsToldHowManyItLostBeforeItsNextEvent() throws Exception {
        int total = 4000;
        try (EventStreamServer server = new EventStreamServer(Map.of("tlsscope.sse.client-buffer-events", "50"));
             SseSocketClient client = new SseSocketClient(server.port(), "/api/v1/events?type=raw", null)) {
            EventBus bus = server.bus();
            Await.until(Duration.ofSeconds(10), "the client to subscribe", () -> bus.subscriberCount() == 1);
            publish(bus, total);
            Await.until(Duration.ofSeconds(10), "drops counted while the client does not read", () -> bus.subscriberDrops() > 0);

            List<SseSocketClient.Message> messages = client.readUntil(message -> message.id() == total);
            long previous = 0;
            long missedSincePrevious = 0;
            long received = 0;
            long missed = 0;
            for (SseSocketClient.Message message : messages) {
                if ("gap".equals(message.name())) {
                    missedSincePrevious += JSON.readTree(message.data()).get("missed").asLong();
                    continue;
                }
                assertThat(message.id()).as("ids increase").isGreaterThan(previous);
                assertThat(missedSincePrevious).as("the gap told before id %d", message.id()).isEqualTo(message.id() - previous - 1);
                missed += missedSincePrevious;
                missedSincePrevious = 0;
                previous = message.id();
                received++;
            }
            assertThat(missed).as("the client was told of every event it lost").isPositive().isEqualTo(bus.subscriberDrops());
            assertThat(received + missed).isEqualTo(total);
        }
    }

    @Test
    void clientsThatNeverReadCostTheOthersNothing() throws Exception {
        int total = 6000;
        try (EventStreamServer server = new EventStreamServer(Map.of("tlsscope.sse.client-buffer-events", "1000"))) {
            EventBus bus = server.bus();
            List<SseSocketClient> neverReading = new ArrayList<>();
            try (SseSocketClient reading = new SseSocketClient(server.port(), "/api/v1/events", null)) {
                for (int i = 0; i < 20; i++) {
                    neverReading.add(new SseSocketClient(server.port(), "/api/v1/events", null));
                }
                Await.until(Duration.ofSeconds(10), "every client to subscribe", () -> bus.subscriberCount() == 21);
                CompletableFuture<List<SseSocketClient.Message>> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return reading.readUntil(message -> message.id() == total);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                for (int published = 0; published < total; published += 500) {
                    publish(bus, 500); // at the reading client's pace, well within its capacity: this is not about speed
                    long upTo = published + 500;
                    Await.until(Duration.ofSeconds(30), () -> "the reading client to read up to id " + upTo + ", it is at "
                            + reading.lastId(), () -> reading.lastId() == upTo);
                }
                List<SseSocketClient.Message> messages = read.get(30, TimeUnit.SECONDS);
                assertThat(messages).extracting(SseSocketClient.Message::id).containsExactlyElementsOf(ids(total));
                assertThat(messages).as("no gap for the client that reads").allMatch(message -> message.name() == null);
                // each of them lost everything but its capacity and what its socket buffers took (a few MiB, under 2000 events)
                Await.until(Duration.ofSeconds(10), () -> "the clients that do not read to count their losses, so far "
                        + bus.subscriberDrops(), () -> bus.subscriberDrops() >= 20L * (total - 1000 - 2000));
            } finally {
                for (SseSocketClient client : neverReading) {
                    client.close();
                }
            }
            Await.until(Duration.ofSeconds(10), "their subscriptions to go with them", () -> bus.subscriberCount() == 0);
        }
    }

    @Test
    void aResumeGetsTheKeptEventsAfterItsIdThenTheLiveOnes() throws Exception {
        try (EventStreamServer server = new EventStreamServer(Map.of())) {
            EventBus bus = server.bus();
            publish(bus, 10);
            try (SseSocketClient client = new SseSocketClient(server.port(), "/api/v1/events", 6L)) {
                Await.until(Duration.ofSeconds(10), "the client to subscribe", () -> bus.subscriberCount() == 1);
                publish(bus, 2);
                List<SseSocketClient.Message> messages = client.readUntil(message -> message.id() == 12);
                assertThat(messages).extracting(SseSocketClient.Message::id).containsExactly(7L, 8L, 9L, 10L, 11L, 12L);
                JsonNode first = JSON.readTree(messages.getFirst().data());
                assertThat(first.get("type").asText()).isEqualTo("tls-data");
            }
        }
    }

    private static void publish(EventBus bus, int events) throws InterruptedException {
        for (int i = 0; i < events; i++) {
            bus.publish(TestEvents.numbered(4242, 7, i + 1, Direction.WRITE, CHUNK, 0, true));
            if (i % 100 == 99) {
                Thread.sleep(2); // several wake-up rounds, as a real capture spreads its events
            }
        }
    }

    private static List<Long> ids(int events) {
        return LongStream.rangeClosed(1, events).boxed().toList();
    }
}
