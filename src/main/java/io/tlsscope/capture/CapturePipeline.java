package io.tlsscope.capture;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.LibraryRef;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.process.ContainerIds;
import io.tlsscope.protocol.ProtocolStage;
import io.tlsscope.protocol.QueryEvent;
import io.tlsscope.protocol.ResponseDirections;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The way of every ring-buffer record, in one direction: decoded ({@link KernelEventDecoder}),
 * then for captured plaintext: credentials blanked and statements decoded ({@link ProtocolStage}),
 * counted per library and connection, and published on the {@link EventBus}, the raw chunk first,
 * then the query events it completed. Exec and exit records go to discovery instead.
 * Runs on the ring-buffer thread: nothing here blocks or does per-client work.
 */
@ApplicationScoped
public class CapturePipeline implements CounterSource {
    private static final Logger LOG = Logger.getLogger(CapturePipeline.class);
    private static final Counter DECODE_FAILURES = Counter.total("events.decode-failures", "ring-buffer records that could not be decoded");

    private final EventBus bus;
    private final ProtocolStage protocols;
    private final LibraryTraffic traffic = new LibraryTraffic();
    private final ConnectionActivity activity = new ConnectionActivity();
    private final AtomicLong decodeFailures = new AtomicLong();

    public CapturePipeline(EventBus bus, ProtocolStage protocols) {
        this.bus = bus;
        this.protocols = protocols;
    }

    /** Where one tracing run's records come from and where process events go. */
    public interface Run extends ResponseDirections {
        /** The inode behind a library id. */
        LibraryRef library(int libraryId);

        void processEvent(ProcessEvent event);

        /** Runs without a kernel (replays of recorded records) have no response budget to set. */
        @Override
        default void responseDirection(long connectionId, Direction response) {
        }
    }

    /** A record handler for one tracing run: give it to the kernel session's ring-buffer reader. */
    public Consumer<ByteBuffer> recordsOf(Run run) {
        KernelEventDecoder decoder = new KernelEventDecoder(new MonotonicClock(), run::library, new ContainerIds(Path.of("/proc")));
        return record -> onRecord(decoder, run, record);
    }

    private void onRecord(KernelEventDecoder decoder, Run run, ByteBuffer record) {
        switch (decoder.decode(record)) {
            case KernelEventDecoder.Data data -> capture(run, data.event());
            case KernelEventDecoder.Process process -> {
                if (process.event().kind() == ProcessEvent.Kind.EXIT) {
                    protocols.processExited(process.event().pid());
                }
                run.processEvent(process.event());
            }
            case KernelEventDecoder.ConnectionClosed closed -> protocols.connectionClosed(closed.connectionId());
            case KernelEventDecoder.Rejected rejected -> {
                decodeFailures.incrementAndGet();
                LOG.debugf("ring-buffer record rejected: %s", rejected.reason());
            }
        }
    }

    private void capture(Run run, TlsDataEvent data) {
        List<QueryEvent> queries = protocols.accept(data, run); // blanks credentials before anything else sees the bytes
        traffic.count(data.library().id(), data.data().length, data.lastChunk());
        activity.count(data);
        bus.publish(data);
        queries.forEach(bus::publish);
    }

    /** SSL calls and bytes captured through a library since start; any thread. */
    public LibraryTraffic.Totals traffic(int libraryId) {
        return traffic.of(libraryId);
    }

    /** The connections data was captured on, with their calls, bytes and last activity; any thread. */
    public List<ConnectionActivity.Connection> connections() {
        return activity.connections();
    }

    @Override
    public String owner() {
        return "capture";
    }

    @Override
    public List<CounterReading> read() {
        return List.of(DECODE_FAILURES.reading(decodeFailures.get()));
    }
}
