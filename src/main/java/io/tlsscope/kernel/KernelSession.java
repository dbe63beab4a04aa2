package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfLink;
import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.BpfObject;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.LibbpfLog;
import io.tlsscope.bpf.LibbpfRuntime;
import io.tlsscope.bpf.RingBufferReader;
import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.KernelCounter;
import io.tlsscope.bpf.abi.StructValue;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import io.tlsscope.scope.ResolvedScope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The kernel side of one tracing run: the BPF object loaded with its settings, the tracepoints
 * attached, the layout table filled, the attachers for libraries, and the ring-buffer reader.
 * Closing removes everything it put into the kernel, in reverse order; a failed open releases what
 * it had acquired. Thread-safe once open.
 */
public final class KernelSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KernelSession.class);
    private static final String OBJECT_RESOURCE = "/bpf/tlsscope.bpf.o";
    private static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");
    private final BpfObject object;
    private final List<BpfLink> tracepoints = new ArrayList<>();
    private final KernelCounters counters;
    private final KernelLayoutTable layouts;
    private final OpenSslAttacher openSsl;
    private final LibraryCallAccounting attacher;
    private final BpfMap responseDirections;
    private final UserMemoryReads userMemoryReads;
    private final KernelScope scope;
    private volatile RingBufferReader reader;
    private volatile boolean closed;

    private KernelSession(BpfObject object, UserMemoryReads userMemoryReads) {
        this.object = object;
        this.userMemoryReads = userMemoryReads;
        for (String program : TracepointPrograms.ALL) {
            tracepoints.add(object.program(program).attachTracing());
        }
        this.counters = new KernelCounters(object.map("counters"));
        this.responseDirections = object.map("response_directions");
        this.scope = new KernelScope(object);
        this.layouts = new KernelLayoutTable(object, OpenSslLayouts.builtIn());
        layouts.fill();
        this.openSsl = new OpenSslAttacher(object, layouts, OpenSslLayouts.builtIn(), userMemoryReads);
        this.attacher = new LibraryCallAccounting(object.map("library_calls"),
                new AttacherByKind(openSsl, new GoTlsAttacher(object, userMemoryReads)));
    }

    /**
     * Loads the BPF object and attaches its tracepoints.
     *
     * @throws KernelStartException saying what to do (run as root, a kernel with BTF, settings in range)
     * @throws LibbpfException      for other libbpf failures, naming the operation and errno
     */
    public static KernelSession open(KernelSettings settings) {
        checkPreconditions(settings);
        LibbpfRuntime.ensureAvailable();
        LibbpfLog.install();
        boolean kernelCopies = new KernelBtf(KERNEL_BTF).names(UserMemoryReads.COPY_KFUNC);
        return switch (settings.userMemoryReads()) {
            case PROBE_READ -> open(settings, UserMemoryReads.PROBE_READ);
            case COPY -> {
                if (!kernelCopies) {
                    throw new KernelStartException("tlsscope.tracer.user-memory-reads=copy needs a kernel with "
                            + UserMemoryReads.COPY_KFUNC + " (Linux 6.16 or later), which this kernel lacks: use auto or probe-read");
                }
                yield open(settings, UserMemoryReads.COPY);
            }
            case AUTO -> kernelCopies ? openCopyingOrNot(settings) : open(settings, UserMemoryReads.PROBE_READ);
        };
    }

    /** The copying return programs, or if the kernel refuses them after all, the reading ones (said in the log). */
    private static KernelSession openCopyingOrNot(KernelSettings settings) {
        try {
            return open(settings, UserMemoryReads.COPY);
        } catch (KernelStartException e) {
            LOG.warnf("the copying return probes did not load (%s); reading user memory without page faults instead "
                    + "(a page not resident loses its chunk, counted in kernel.user-read.failed)", e.getMessage());
            return open(settings, UserMemoryReads.PROBE_READ);
        }
    }

    private static KernelSession open(KernelSettings settings, UserMemoryReads reads) {
        BpfObject object = BpfObject.open(readObject(), "tlsscope");
        try {
            loadOnly(object, reads);
            object.setRodata(StructValue.of(KernelAbi.CONFIG)
                    .setInt(settings.selfTgid(), "self_tgid")
                    .setInt(settings.maxBytesPerCall(), "max_bytes_per_call")
                    .setInt(OpenSslLayouts.builtIn().all().size(), "layout_count")
                    .setInt(settings.responseBudgetBytes(), "response_budget")
                    .setInt(settings.responseTailBytes(), "response_tail")
                    .toBytes());
            object.setMaxEntries("events", settings.ringBufferBytes());
            try {
                object.load();
            } catch (LibbpfException e) {
                throw new KernelStartException(explainLoadFailure(e), e);
            }
            return new KernelSession(object, reads);
        } catch (RuntimeException e) {
            object.close(); // closes the links made so far with it: they hold no reference of their own yet
            throw e;
        }
    }

    /** Of each return program's two kinds, only the one reads asks for is verified and loaded. */
    private static void loadOnly(BpfObject object, UserMemoryReads reads) {
        UserMemoryReads other = reads == UserMemoryReads.COPY ? UserMemoryReads.PROBE_READ : UserMemoryReads.COPY;
        for (String plain : ReturnPrograms.ALL) {
            object.program(other.returnProgram(plain)).setAutoload(false);
        }
    }

    /** How this session's return probes read user memory: COPY or PROBE_READ. */
    public UserMemoryReads userMemoryReads() {
        return userMemoryReads;
    }

    private static void checkPreconditions(KernelSettings settings) {
        int cap = settings.maxBytesPerCall();
        int capLimit = KernelAbi.CHUNK_DATA_MAX * KernelAbi.MAX_CHUNKS_PER_CALL;
        if (cap < 1 || cap > capLimit) {
            throw new KernelStartException("tlsscope.capture.max-bytes-per-call must be within 1.." + capLimit + ", was " + cap);
        }
        if (settings.responseBudgetBytes() < 0) {
            throw new KernelStartException("tlsscope.capture.response-budget-bytes must be 0 (responses whole) or more, was "
                    + settings.responseBudgetBytes());
        }
        int tail = settings.responseTailBytes();
        if (tail < 1 || tail > KernelAbi.CHUNK_DATA_MAX) {
            throw new KernelStartException("tlsscope.capture.response-tail-bytes must be within 1.." + KernelAbi.CHUNK_DATA_MAX
                    + ", was " + tail);
        }
        int ring = settings.ringBufferBytes();
        if (ring < 4096 || Integer.bitCount(ring) != 1) {
            throw new KernelStartException("tlsscope.tracer.ring-buffer-bytes must be a power of two >= 4096, was " + ring);
        }
        if (!Files.exists(KERNEL_BTF)) {
            throw new KernelStartException("the kernel has no BTF (" + KERNEL_BTF + " missing): "
                    + "tlsscope needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
        }
    }

    private static String explainLoadFailure(LibbpfException e) {
        if ("EPERM".equals(e.errnoName()) || "EACCES".equals(e.errnoName())) {
            return "loading the BPF object was refused (" + e.errnoName() + "): run tlsscope as root "
                    + "(it needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)";
        }
        return "loading the BPF object failed: " + e.getMessage();
    }

    private static byte[] readObject() {
        try (InputStream in = KernelSession.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new KernelStartException("BPF object " + OBJECT_RESOURCE + " is not in the application: rebuild with ./mvnw package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new KernelStartException("read BPF object " + OBJECT_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Starts draining the ring buffer on a thread of its own; each record goes to onRecord, which must not block. */
    public synchronized void startReading(Consumer<ByteBuffer> onRecord) {
        if (reader != null || closed) {
            throw new IllegalStateException("the ring buffer is already being read, or the session is closed");
        }
        reader = new RingBufferReader(object.map("events"), onRecord, "tlsscope-ringbuf");
        reader.start();
    }

    /**
     * Tells the kernel which direction of a connection id carries its responses, so that the
     * response budget applies to it. Called once per recognised connection, on the ring-buffer
     * thread. A failed update only leaves the connection captured whole: nothing is lost.
     */
    public void responseDirection(long connectionId, Direction response) {
        if (closed) {
            return;
        }
        try {
            responseDirections.update(KernelAbi.u64(connectionId), KernelAbi.u32(response.value()), BpfMap.BPF_ANY);
        } catch (LibbpfException e) {
            LOG.debugf("response direction of connection %d not set: %s", connectionId, e.getMessage());
        }
    }

    /** Limits tracing to the processes of scope (or none, when it is not limited), from the next TLS call on. */
    public synchronized void applyScope(ResolvedScope processes) {
        if (!closed) {
            scope.apply(processes);
        }
    }

    /** Puts the probes on library inodes (OpenSSL or Go); discovery calls it once per inode. */
    public LibraryAttacher attacher() {
        return attacher;
    }

    /** What became of the calls made through an attached library since it was attached (the kernel's count); empty for others. */
    public Optional<LibraryCalls> libraryCalls(int libraryId) {
        return closed ? Optional.empty() : attacher.of(libraryId);
    }

    /** The struct-layout choice of an attached OpenSSL library. */
    public Optional<LayoutChoice> layout(int libraryId) {
        return openSsl.layout(libraryId);
    }

    /** Forces a layout on an attached OpenSSL library, or back to detection when empty; empty when none has that id. */
    public Optional<LayoutChoice> forceLayout(int libraryId, Optional<OpenSslLayout> layout) {
        return openSsl.force(libraryId, layout);
    }

    /** Exec, exit, fork and mapped-library records the kernel could not deliver (ring buffer full), over all time. */
    public long processRecordsLost() {
        return closed ? 0 : counters.read(KernelCounter.PROCESS_EVENT_DROPS);
    }

    /** Why the ring-buffer reader stopped by itself (events are being lost), or empty while all is well. */
    public Optional<String> readerFailure() {
        RingBufferReader current = reader;
        return Optional.ofNullable(current == null ? null : current.failure());
    }

    /** The kernel's own counters, the per-layout ones, and the user-space counters of this session. */
    public synchronized List<CounterReading> counterReadings() {
        if (closed) {
            return idleCounterReadings();
        }
        RingBufferReader current = reader;
        return readings(counters.read(), layouts.resolvedByLayout(), current == null ? 0 : current.samples(),
                current == null ? 0 : current.sinkFailures());
    }

    /** Every counter {@link #counterReadings()} gives, with value 0: for when no session is running. */
    public static List<CounterReading> idleCounterReadings() {
        return readings(Map.of(), Map.of(), 0, 0);
    }

    private static List<CounterReading> readings(Map<KernelCounter, Long> kernel, Map<String, Long> byLayout, long records,
                                                 long sinkFailures) {
        List<CounterReading> readings = new ArrayList<>();
        for (KernelCounter counter : KernelCounter.values()) {
            readings.add(Counter.total(counter.key(), counter.description()).reading(kernel.getOrDefault(counter, 0L)));
        }
        for (OpenSslLayout layout : OpenSslLayouts.builtIn().all()) {
            readings.add(Counter.total("kernel.fd.layout." + layout.name(), "fds found through the " + layout.name() + " struct layout")
                    .reading(byLayout.getOrDefault(layout.name(), 0L)));
        }
        readings.add(RECORDS.reading(records));
        readings.add(SINK_FAILURES.reading(sinkFailures));
        return readings;
    }

    private static final Counter RECORDS = Counter.total("ringbuf.records", "ring-buffer records read");
    private static final Counter SINK_FAILURES = Counter.total("ringbuf.sink-failures", "ring-buffer records whose processing threw");

    /** Stops reading, detaches the tracepoints and unloads the object. Idempotent; libraries must be detached first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (reader != null) {
            reader.close();
        }
        tracepoints.forEach(BpfLink::close);
        tracepoints.clear();
        object.close();
    }
}
