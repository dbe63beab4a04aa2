package io.tlsscope.api;

import com.sun.management.OperatingSystemMXBean;
import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.capture.CapturePipeline;
import io.tlsscope.capture.ProcessEvent;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.protocol.ProtocolStage;
import io.tlsscope.testsupport.RecordedCalls;
import io.tlsscope.testsupport.RingBufferRecords;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The capture pipeline's throughput without the kernel, run by bench/pipeline.sh (not a test:
 * numbers go to docs/benchmarks.md). Ring-buffer records built with the kernel's layout from a
 * recorded pgbench session (fixtures/pg/pgbench-prepared-client.jsonl: 16 connections, each its
 * startup once, then Bind/Execute/Sync and its answer over and over) go through the production
 * classes: {@link CapturePipeline} (decode, mask and decode statements, counts, publish), the
 * {@link EventBus}, {@link EventsRoute} on a real Vert.x HTTP server (JSON, SSE batches), and
 * an HTTP client reading the stream over a loopback socket. One thread feeds records as the
 * ring-buffer reader would, at most {@link #WINDOW} events ahead of what the client has read, so
 * nothing is dropped and the figure is what the pipeline sustains.
 * <p>
 * Per phase: events delivered to the client, and the service's CPU time (the whole process
 * but the client's reading thread: the feeder, event loops, GC and JIT included), as events per
 * second per core of CPU time. "capture" feeds records with no client at all.
 * usage: PipelineBench SECONDS_PER_PHASE [PHASES, comma-separated: capture,raw,query]
 */
public final class PipelineBench {
    private static final int CONNECTIONS = 16;
    private static final int WINDOW = 8192;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration phase = Duration.ofSeconds(Long.parseLong(args[0]));
        EventStreamServer server = new EventStreamServer(Map.of());
        EventBus bus = server.bus();
        CapturePipeline pipeline = new CapturePipeline(bus, new ProtocolStage());
        Consumer<ByteBuffer> reader = pipeline.recordsOf(new CapturePipeline.Run() {
            @Override
            public LibraryRef library(int libraryId) {
                return new LibraryRef(libraryId, "fe:00", 339900L);
            }

            @Override
            public void processEvent(ProcessEvent event) {
            }
        });
        Traffic traffic = new Traffic(reader);

        System.out.printf("pipeline bench %s: %d s per phase, %d cores, %s%n", LocalDate.now(), phase.toSeconds(),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<String> phases = args.length > 1 ? List.of(args[1].split(",")) : List.of("capture", "raw", "query");
        Duration warmUp = phase.dividedBy(2);
        for (String name : phases) {
            measure("warm-up", traffic, bus, server.port(), clientType(name), warmUp);
        }
        System.out.printf("%-8s %12s %12s %12s %18s %8s%n", "phase", "events", "events/s", "CPU cores", "events/s per core", "drops");
        Map<String, Result> results = new LinkedHashMap<>();
        for (String name : phases) {
            results.put(name, print(measure(name, traffic, bus, server.port(), clientType(name), phase)));
        }
        if (results.keySet().containsAll(List.of("capture", "raw", "query"))) {
            System.out.printf("per core, against capture alone: raw %.3f, query %.3f (query events are one per two records)%n",
                    results.get("raw").perCore() / results.get("capture").perCore(),
                    results.get("query").perCore() / results.get("capture").perCore());
        }
        server.close();
        System.exit(0);
    }

    /** The client's type for a phase: capture has none. */
    private static String clientType(String phase) {
        return switch (phase) {
            case "capture" -> null;
            case "raw", "query" -> phase;
            default -> throw new IllegalArgumentException("phases are capture, raw and query, not " + phase);
        };
    }

    /** What one phase delivered and cost. */
    private record Result(String phase, long events, double seconds, double cpuSeconds, long drops) {
        double perSecond() {
            return events / seconds;
        }

        double cores() {
            return cpuSeconds / seconds;
        }

        double perCore() {
            return events / cpuSeconds;
        }
    }

    private static Result print(Result result) {
        System.out.printf("%-8s %12d %12.0f %12.2f %18.0f %8d%n", result.phase(), result.events(), result.perSecond(), result.cores(),
                result.perCore(), result.drops());
        return result;
    }

    /** Feeds records for the phase's time; with a client (type raw or query), no further ahead of it than the window. */
    private static Result measure(String name, Traffic traffic, EventBus bus, int port, String type, Duration phase) throws Exception {
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long dropsBefore = bus.subscriberDrops();
        try (SseClient client = type == null ? null : new SseClient(port, type)) {
            long clientCpuBefore = client == null ? 0 : client.cpuNanos(threads);
            long cpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();
            long deadline = start + phase.toNanos();
            long matchingBefore = traffic.matching(type);
            long receivedBefore = client == null ? 0 : client.received();
            while (System.nanoTime() < deadline) {
                if (client != null && traffic.matching(type) - matchingBefore - (client.received() - receivedBefore) > WINDOW) {
                    LockSupport.parkNanos(5_000_000); // as the ring-buffer reader, which polls every 5 ms: a wake-up costs CPU time too
                    continue;
                }
                traffic.feedRound();
            }
            long events;
            if (client == null) {
                events = traffic.matching("raw") - matchingBefore;
            } else {
                long fed = traffic.matching(type) - matchingBefore;
                while (client.received() - receivedBefore < fed && System.nanoTime() < deadline + Duration.ofSeconds(10).toNanos()) {
                    LockSupport.parkNanos(100_000); // the last window in flight
                }
                events = client.received() - receivedBefore;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = os.getProcessCpuTime() - cpuBefore - (client == null ? 0 : client.cpuNanos(threads) - clientCpuBefore);
            return new Result(name, events, seconds, cpu / 1e9, bus.subscriberDrops() - dropsBefore);
        }
    }

    /**
     * pgbench's prepared-statement session from the fixture, on CONNECTIONS connections: each
     * connection's startup once, then rounds of one Bind/Execute/Sync call and its answer per
     * connection (one query event per answer), each record numbered and stamped like the kernel's.
     */
    private static final class Traffic {
        private final Consumer<ByteBuffer> reader;
        private final List<ByteBuffer[]> rounds = new ArrayList<>();
        private final long[] callSequence = new long[CONNECTIONS];
        private long records;
        private long queries;

        Traffic(Consumer<ByteBuffer> reader) {
            this.reader = reader;
            List<RecordedCalls.Call> calls = RecordedCalls.load("pg/pgbench-prepared-client");
            // the fixture's second connection: startup (2 calls), Parse/Sync and its answer, then Bind/Execute/Sync pairs
            String session = calls.get(calls.size() - 1).connection();
            List<RecordedCalls.Call> own = calls.stream().filter(call -> call.connection().equals(session)).toList();
            int pid = (int) ProcessHandle.current().pid(); // a live pid: its cgroup is read once
            for (int c = 0; c < CONNECTIONS; c++) {
                RingBufferRecords.Connection connection = new RingBufferRecords.Connection(pid, pid + c, "pgbench", 0x55fc5d296120L + c * 0x1000L,
                        1000 + c, 5 + c, new InetSocketAddress(LOOPBACK, 40000 + c), new InetSocketAddress(LOOPBACK, 5432));
                for (RecordedCalls.Call call : own.subList(0, 4)) {
                    reader.accept(RingBufferRecords.call(connection, call.write() ? Direction.WRITE : Direction.READ, ++callSequence[c],
                            call.data()));
                }
                RecordedCalls.Call bind = own.get(4);
                RecordedCalls.Call answer = own.get(5);
                rounds.add(new ByteBuffer[] {RingBufferRecords.call(connection, Direction.WRITE, 0, bind.data()),
                        RingBufferRecords.call(connection, Direction.READ, 0, answer.data())});
            }
        }

        /** One call and its answer on every connection. */
        void feedRound() {
            long now = System.nanoTime();
            for (int c = 0; c < CONNECTIONS; c++) {
                for (ByteBuffer record : rounds.get(c)) {
                    RingBufferRecords.stamp(record, ++callSequence[c], now);
                    reader.accept(record);
                }
            }
            records += 2L * CONNECTIONS;
            queries += CONNECTIONS;
        }

        /** Events fed so far that a client of this type takes. */
        long matching(String type) {
            return "query".equals(type) ? queries : records;
        }
    }

    /**
     * A real HTTP client of the event stream, counting the events it reads (each begins "id: " on a
     * line of its own). Made once the stream has opened: its subscription exists then, so every event
     * fed after it is one the client must get (before, events fed while the request was on its way
     * were counted as due and never came, and each phase ended with a 10 s wait for them).
     */
    private static final class SseClient implements AutoCloseable {
        private static final byte[] EVENT_START = "\nid: ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] OPENING = ": tlsscope event stream\n\n".getBytes(StandardCharsets.US_ASCII);
        private final Socket socket = new Socket();
        private final AtomicLong received = new AtomicLong();
        private final Thread thread;

        SseClient(int port, String type) throws IOException {
            socket.connect(new InetSocketAddress(LOOPBACK, port));
            socket.getOutputStream().write(("GET /api/v1/events?type=" + type + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            awaitOpening(socket.getInputStream());
            thread = Thread.ofPlatform().name("bench-sse-client").daemon().start(this::read);
        }

        /** Reads the response up to the stream's opening comment, byte by byte so that no event is read here. */
        private static void awaitOpening(InputStream in) throws IOException {
            int matched = 0;
            while (matched < OPENING.length) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the event stream closed before it opened");
                }
                matched = b == OPENING[matched] ? matched + 1 : b == OPENING[0] ? 1 : 0;
            }
        }

        private void read() {
            byte[] buffer = new byte[1 << 16];
            int matched = 1; // the opening ended with a line end: the first event's "id: " follows it
            try (InputStream in = socket.getInputStream()) {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    long events = 0;
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        matched = b == EVENT_START[matched] ? matched + 1 : b == EVENT_START[0] ? 1 : 0;
                        if (matched == EVENT_START.length) {
                            events++;
                            matched = 0;
                        }
                    }
                    received.addAndGet(events);
                }
            } catch (IOException closed) {
                // the phase is over
            }
        }

        long received() {
            return received.get();
        }

        long cpuNanos(ThreadMXBean threads) {
            return threads.getThreadCpuTime(thread.threadId());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
