package io.tlsscope.sink.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.api.EventViews;
import io.tlsscope.conn.TcpTuple;
import io.tlsscope.events.EventBus;
import io.tlsscope.host.HostIdentity;
import io.tlsscope.host.HostIdentityReader;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.QueryEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The Kafka sink's throughput and CPU, run by bench/kafka-sink.sh against a local broker (not a
 * test: numbers go to docs/benchmarks.md). The production classes end to end from the bus on: a
 * publisher thread stands in for the ring-buffer reader and publishes pgbench-like query events on
 * a real EventBus; the sink serialises, buffers and produces them. Per phase:
 * "ceiling" publishes as fast as the sink takes the events and reports the records/s the brokers acknowledged;
 * "rate" publishes a fixed rate and reports the CPU of the sink's two threads (its sender and the
 * producer's network thread) per 10k records/s, and the stored bytes per record for the compression.
 * usage: KafkaSinkBench BOOTSTRAP SECONDS RATE BROKER_DATA_DIR
 */
public final class KafkaSinkBench {
    private static final int CONNECTIONS = 16;
    private static final int BACKLOG = 20_000;

    private KafkaSinkBench() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Duration phase = Duration.ofSeconds(Long.parseLong(args[1]));
        int rate = Integer.parseInt(args[2]);
        java.nio.file.Path brokerData = java.nio.file.Path.of(args[3]);
        System.out.printf("%-8s %-5s %12s %10s %11s %15s %10s %10s %12s%n", "phase", "codec", "published/s", "acked/s", "sink CPU %",
                "CPU %/10k rec/s", "dropped", "B/record", "stored B/rec");
        // the broker's JIT warms up on a phase nobody reads: otherwise the first codec measured pays for it
        run("warm-up", "lz4", bootstrap, phase, 0, brokerData, false);
        for (String codec : List.of("lz4", "zstd")) {
            run("ceiling", codec, bootstrap, phase, 0, brokerData, true);
            run("rate", codec, bootstrap, phase, rate, brokerData, true);
        }
    }

    private static void run(String name, String codec, String bootstrap, Duration phase, int rate, java.nio.file.Path brokerData,
                            boolean print) throws Exception {
        String topic = "bench-" + name + "-" + codec;
        HostIdentity host = HostIdentityReader.system().read(new NoOverrides());
        EventBus bus = new EventBus();
        ObjectMapper json = new ObjectMapper();
        EventViews views = new EventViews(host);
        KafkaSink sink = new KafkaSink(new Settings(bootstrap, topic, Map.of("compression.type", codec)), bus, views, json, host);
        sink.start();
        // warm up: the JIT and the producer's connections and metadata
        publish(bus, sink, Duration.ofSeconds(3), 5_000);
        awaitDrained(sink);
        Map<String, Long> before = counters(sink);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = sinkThreadsCpu(threads);
        long start = System.nanoTime();
        long published = publish(bus, sink, phase, rate);
        awaitDrained(sink);
        long cpu = sinkThreadsCpu(threads) - cpuBefore;
        double seconds = phase.toNanos() / 1e9;
        Map<String, Long> after = counters(sink);
        long acked = after.get("kafka.sent.records") - before.get("kafka.sent.records");
        double elapsed = (System.nanoTime() - start) / 1e9; // the phase and the drain after it
        long dropped = dropped(after) - dropped(before);
        double cpuPercent = 100.0 * cpu / 1e9 / elapsed;
        double perTenK = cpuPercent * 10_000 / (acked / elapsed);
        sink.onStop(null);
        long stored = storedBytes(brokerData, topic);
        long sentBytes = after.get("kafka.sent.bytes") - before.get("kafka.sent.bytes");
        if (!print) {
            return;
        }
        System.out.printf("%-8s %-5s %12.0f %10.0f %11.1f %15.1f %10d %10.0f %12.0f%n", name, codec, published / seconds, acked / elapsed,
                cpuPercent, perTenK, dropped, (double) sentBytes / Math.max(1, acked), (double) stored / Math.max(1, after.get("kafka.sent.records")));
    }

    /**
     * Publishes on the bus like the ring-buffer reader, at rate per second; with rate 0 as fast as
     * the brokers take them: at most BACKLOG events ahead of what was sent or dropped, well within
     * the buffer (an unthrottled publisher would measure the sink serialising events only to drop
     * them for a full buffer, and contention on its queue). How many.
     */
    private static long publish(EventBus bus, KafkaSink sink, Duration length, int rate) {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long published = 0;
        long handled = handled(sink);
        java.util.Random random = new java.util.Random(42);
        while (System.nanoTime() < end) {
            if (rate == 0 && published % 256 == 0) {
                handled = handled(sink);
                while (published - handled > BACKLOG && System.nanoTime() < end) {
                    LockSupport.parkNanos(100_000);
                    handled = handled(sink);
                }
            }
            bus.publish(statement(published, random));
            published++;
            if (rate > 0) {
                long wait = start + published * 1_000_000_000L / rate - System.nanoTime();
                if (wait > 50_000) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
        return published;
    }

    /** Events the sink has finished with: sent or dropped. */
    private static long handled(KafkaSink sink) {
        Map<String, Long> counters = counters(sink);
        return counters.get("kafka.sent.records") + dropped(counters);
    }

    private static void awaitDrained(KafkaSink sink) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (counters(sink).get("kafka.buffered.records") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static Map<String, Long> counters(KafkaSink sink) {
        return sink.read().stream().collect(java.util.stream.Collectors.toMap(reading -> reading.counter().name(),
                io.tlsscope.counters.CounterReading::value));
    }

    private static long dropped(Map<String, Long> counters) {
        return counters.get("kafka.dropped.queue-full.records") + counters.get("kafka.dropped.buffer-full.records")
                + counters.get("kafka.dropped.send-failed.records");
    }

    /** CPU time of the sink's sender thread and the producer's network thread, ns. */
    private static long sinkThreadsCpu(ThreadMXBean threads) {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("tlsscope-kafka") || thread.getName().startsWith("kafka-producer-network-thread")) {
                total += Math.max(0, threads.getThreadCpuTime(thread.threadId()));
            }
        }
        return total;
    }

    private static long storedBytes(java.nio.file.Path brokerData, String topic) throws java.io.IOException {
        long bytes = 0;
        try (var partitions = java.nio.file.Files.list(brokerData)) {
            for (java.nio.file.Path partition : partitions.filter(dir -> dir.getFileName().toString().startsWith(topic + "-")).toList()) {
                try (var files = java.nio.file.Files.list(partition)) {
                    for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                        bytes += java.nio.file.Files.size(file);
                    }
                }
            }
        }
        return bytes;
    }

    /** A pgbench -S statement from the server's side, as the decoder makes it: one of CONNECTIONS connections, now, a random aid. */
    private static QueryEvent statement(long sequence, java.util.Random random) {
        int connection = (int) (sequence % CONNECTIONS);
        TcpTuple tuple = new TcpTuple(new InetSocketAddress("127.0.0.1", 5432), new InetSocketAddress("127.0.0.1", 40_000 + connection));
        Instant end = Instant.now();
        return new QueryEvent(new ConnectionInfo(connection + 1, 20_000 + connection, "postgres", tuple, "postgresql", "postgres", "postgres", "pgbench"),
                "server", "execute", "SELECT abalance FROM pgbench_accounts WHERE aid = $1;", List.of(Integer.toString(1 + random.nextInt(1_000_000))),
                end.minusNanos(20_000 + random.nextInt(200_000)), end, "SELECT 1", 1L, null, null, null, "I", null, null, List.of("abalance"), null);
    }

    private record NoOverrides(Optional<String> id, Optional<String> name) implements io.tlsscope.host.HostConfig {
        NoOverrides() {
            this(Optional.empty(), Optional.empty());
        }
    }

    /** The sink's settings for one phase. */
    private record Settings(String bootstrap, String topic, Map<String, String> producer) implements KafkaSinkConfig {
        @Override
        public Optional<String> bootstrapServers() {
            return Optional.of(bootstrap);
        }

        @Override
        public Topics topics() {
            return new Topics() {
                @Override
                public String queries() {
                    return topic;
                }

                @Override
                public String raw() {
                    return topic + "-raw";
                }

                @Override
                public String alerts() {
                    return topic + "-alerts";
                }
            };
        }

        @Override
        public boolean raw() {
            return false;
        }

        @Override
        public long bufferBytes() {
            return 64L << 20;
        }

        @Override
        public Duration degradedAfter() {
            return Duration.ofSeconds(10);
        }
    }
}
