package io.tlsscope.tracer;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tlsscope.bpf.BpfLink;
import io.tlsscope.bpf.BpfObject;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.LibbpfLog;
import io.tlsscope.bpf.LibbpfRuntime;
import io.tlsscope.bpf.RingBufferReader;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.KernelCounter;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.discovery.Discovery;
import io.tlsscope.discovery.LibraryKey;
import io.tlsscope.discovery.LibraryKind;
import io.tlsscope.discovery.LibraryRegistry;
import io.tlsscope.discovery.ProcessScanner;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.KernelEventDecoder;
import io.tlsscope.events.MonotonicClock;
import io.tlsscope.events.ProcessEvent;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import io.tlsscope.protocol.CredentialMasks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs the kernel side in this process: loads the BPF object, attaches the tracepoints, drains the
 * ring buffer onto the {@link EventBus}, and keeps the OpenSSL probes in step with the processes
 * on the host. Fail-open: any failure leaves the service up with state DOWN and a reason.
 */
@ApplicationScoped
public class Tracer {
    private static final Logger LOG = Logger.getLogger(Tracer.class);
    private static final String OBJECT_RESOURCE = "/bpf/tlsscope.bpf.o";
    private static final Path PROC = Path.of("/proc");
    private static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    private final TlsscopeConfig config;
    private final EventBus bus;
    private final KernelEventDecoder decoder = new KernelEventDecoder(new MonotonicClock());
    private final AtomicLong decodeFailures = new AtomicLong();
    private final CredentialMasks credentials = new CredentialMasks();
    private final LibraryTraffic traffic = new LibraryTraffic();
    private final ConnectionActivity activity = new ConnectionActivity();
    private final AtomicLong startFailures = new AtomicLong();
    private final List<BpfLink> tracepointLinks = new ArrayList<>();
    private volatile TracerState state = new TracerState(TracerState.Status.STARTING, "starting");
    // written under this object's lock by start/stop, read lock-free by REST threads
    private volatile BpfObject object;
    private volatile RingBufferReader reader;
    private volatile LibraryRegistry registry;
    private volatile Discovery discovery;
    private volatile KernelCounters kernelCounters;
    private volatile KernelLayoutTable kernelLayouts;
    private volatile KernelConnectionTable connections;

    public Tracer(TlsscopeConfig config, EventBus bus) {
        this.config = config;
        this.bus = bus;
    }

    void onStart(@Observes StartupEvent startup) {
        if (!config.tracer().enabled()) {
            state = new TracerState(TracerState.Status.DISABLED, "tracing disabled (tlsscope.tracer.enabled=false)");
            return;
        }
        start();
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        stop();
    }

    synchronized void start() {
        try {
            startTracing();
            state = TracerState.up();
            LOG.infof("tracing: %d libraries attached", registry.libraries().size());
        } catch (RuntimeException e) {
            // fail-open: whatever broke, the API stays up and says why tracing is not running
            startFailures.incrementAndGet();
            String reason = e instanceof TracerStartException || e instanceof LibbpfException
                    ? e.getMessage() : "unexpected failure: " + e;
            LOG.errorf("tracing is DOWN, the service keeps serving its API: %s", reason);
            LOG.debug("tracer start failure", e);
            stop();
            state = TracerState.down(reason);
        }
    }

    private void startTracing() {
        checkPreconditions();
        LibbpfRuntime.ensureAvailable();
        LibbpfLog.install();
        object = BpfObject.open(readObject(), "tlsscope");
        object.setRodata(rodata());
        object.setMaxEntries("events", config.tracer().ringBufferBytes());
        try {
            object.load();
        } catch (LibbpfException e) {
            throw new TracerStartException(explainLoadFailure(e), e);
        }
        for (String program : TracepointPrograms.ALL) {
            tracepointLinks.add(object.program(program).attachTracing());
        }
        kernelCounters = new KernelCounters(object.map("counters"));
        kernelLayouts = new KernelLayoutTable(object, OpenSslLayouts.builtIn());
        kernelLayouts.fill();
        connections = new KernelConnectionTable(object.map("conns"), PROC);
        registry = new LibraryRegistry(new AttacherByKind(Map.of(
                LibraryKind.OPENSSL, new OpenSslAttacher(object, kernelLayouts, OpenSslLayouts.builtIn()),
                LibraryKind.GO, new GoTlsAttacher(object))));
        registry.setGoHooks(config.go().hooksEnabled());
        int self = (int) ProcessHandle.current().pid();
        discovery = new Discovery(new ProcessScanner(PROC, self), registry,
                config.tracer().execRescanDelays(), connections::seed);
        reader = new RingBufferReader(object.map("events"), this::onRecord, "tlsscope-ringbuf");
        reader.start();
        long scanStart = System.nanoTime();
        int processes = discovery.scanAll();
        LOG.infof("discovery: %d processes use TLS libraries, %d libraries attached in %d ms", processes,
                registry.libraries().size(), (System.nanoTime() - scanStart) / 1_000_000);
    }

    private void checkPreconditions() {
        int cap = config.capture().maxBytesPerCall();
        int capLimit = KernelAbi.CHUNK_DATA_MAX * KernelAbi.MAX_CHUNKS_PER_CALL;
        if (cap < 1 || cap > capLimit) {
            throw new TracerStartException("tlsscope.capture.max-bytes-per-call must be within 1.." + capLimit + ", was " + cap);
        }
        int ring = config.tracer().ringBufferBytes();
        if (ring < 4096 || Integer.bitCount(ring) != 1) {
            throw new TracerStartException("tlsscope.tracer.ring-buffer-bytes must be a power of two >= 4096, was " + ring);
        }
        if (!Files.exists(KERNEL_BTF)) {
            throw new TracerStartException("the kernel has no BTF (" + KERNEL_BTF + " missing): "
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
        try (InputStream in = Tracer.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new TracerStartException("BPF object " + OBJECT_RESOURCE + " is not in the application: rebuild with ./mvnw package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TracerStartException("read BPF object " + OBJECT_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** struct tlsscope_config. */
    private byte[] rodata() {
        return ByteBuffer.allocate((int) KernelAbi.CONFIG.byteSize()).order(ByteOrder.nativeOrder())
                .putInt((int) ProcessHandle.current().pid())
                .putInt(config.capture().maxBytesPerCall())
                .putInt(OpenSslLayouts.builtIn().all().size())
                .putInt(0)
                .array();
    }

    /** Ring-buffer reader thread: must not block. */
    private void onRecord(ByteBuffer record) {
        KernelEventDecoder.Decoded decoded = decoder.decode(record);
        if (decoded.event().isEmpty()) {
            decodeFailures.incrementAndGet();
            LOG.debugf("ring-buffer record rejected: %s", decoded.rejection());
            return;
        }
        switch (decoded.event().get()) {
            case TlsDataEvent data -> {
                credentials.mask(data); // before anything else can see the bytes
                traffic.count(data.libraryId(), data.data().length, data.lastChunk());
                activity.count(data);
                bus.publish(data);
            }
            case ProcessEvent process when process.kind() == ProcessEvent.Kind.EXEC -> discovery.onExec(process.pid());
            case ProcessEvent process -> discovery.onExit(process.pid());
        }
    }

    synchronized void stop() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (discovery != null) {
            discovery.close();
            discovery = null;
        }
        if (registry != null) {
            registry.detachAll();
        }
        tracepointLinks.forEach(BpfLink::close);
        tracepointLinks.clear();
        if (object != null) {
            object.close();
            object = null;
        }
        if (state.status() == TracerState.Status.UP) {
            state = new TracerState(TracerState.Status.DOWN, "stopped");
        }
    }

    public TracerState state() {
        return state;
    }

    public List<LibraryRegistry.LibraryView> libraries() {
        LibraryRegistry current = registry;
        return current == null ? List.of() : current.libraries();
    }

    /** The connections data was captured on, with their calls, bytes and last activity. */
    public List<ConnectionActivity.Connection> connections() {
        return activity.connections();
    }

    /** SSL calls and bytes captured through a library since start. */
    public LibraryTraffic.Totals traffic(int libraryId) {
        return traffic.of(libraryId);
    }

    public Optional<LibraryKey> libraryKey(int libraryId) {
        LibraryRegistry current = registry;
        return current == null ? Optional.empty() : current.keyOf(libraryId);
    }

    /** Every counter, kernel and user space, with its description. */
    public synchronized List<CounterValue> counters() {
        List<CounterValue> values = new ArrayList<>();
        values.add(new CounterValue("tracer.start-failures", startFailures.get(), "times the kernel side failed to start (see /q/health)"));
        values.add(new CounterValue("events.published", bus.published(), "plaintext chunks delivered to the event bus"));
        values.add(new CounterValue("events.bytes", bus.publishedBytes(), "plaintext bytes delivered to the event bus"));
        values.add(new CounterValue("events.decode-failures", decodeFailures.get(), "ring-buffer records that could not be decoded"));
        values.add(new CounterValue("sse.client-drops", bus.subscriberDrops(), "events SSE clients lost because they read too slowly"));
        values.add(new CounterValue("sse.clients", bus.subscriberCount(), "SSE clients connected now"));
        values.add(new CounterValue("sse.resume-missed", bus.resumeMissed(),
                "events resuming SSE clients asked for (Last-Event-ID) that were no longer kept; each client was told"));
        values.add(new CounterValue("libraries.attached", registry == null ? 0 : registry.libraries().size(), "TLS library inodes known now"));
        values.add(new CounterValue("libraries.attach-failures", registry == null ? 0 : registry.attachFailures(), "library inodes whose probes could not be attached"));
        values.add(new CounterValue("libraries.inodes-reused", registry == null ? 0 : registry.inodesReused(), "known inodes found holding another file (old one deleted), attached afresh"));
        values.add(new CounterValue("conn.seeded", connections == null ? 0 : connections.seeded(), "pre-existing TCP sockets seeded from /proc"));
        values.add(new CounterValue("conn.seed-failures", connections == null ? 0 : connections.seedFailures(), "seeds the connection map refused"));
        values.add(new CounterValue("ringbuf.records", reader == null ? 0 : reader.samples(), "ring-buffer records read"));
        values.add(new CounterValue("ringbuf.sink-failures", reader == null ? 0 : reader.sinkFailures(), "ring-buffer records whose processing threw"));
        Map<KernelCounter, Long> kernel = kernelCounters == null || object == null ? Map.of() : kernelCounters.read();
        for (KernelCounter counter : KernelCounter.values()) {
            values.add(new CounterValue(counter.key(), kernel.getOrDefault(counter, 0L), counter.description()));
        }
        Map<String, Long> byLayout = kernelLayouts == null || object == null ? Map.of() : kernelLayouts.resolvedByLayout();
        for (OpenSslLayout layout : OpenSslLayouts.builtIn().all()) {
            values.add(new CounterValue("kernel.fd.layout." + layout.name(), byLayout.getOrDefault(layout.name(), 0L),
                    "fds found through the " + layout.name() + " struct layout"));
        }
        return values;
    }

    /**
     * Forces a struct layout on the attached library with this inode, or returns it to detection
     * when layoutName is empty. The forced layout is still validated in the kernel: a wrong one
     * finds no socket and is counted (kernel.fd.layout-rejected), it never misattributes.
     */
    public LibraryRegistry.LibraryView forceLayout(long inode, Optional<String> layoutName) {
        LibraryRegistry current = runningRegistry();
        Optional<OpenSslLayout> layout = layoutName.map(name -> OpenSslLayouts.builtIn().byName(name)
                .orElseThrow(() -> new TracerControlException(TracerControlException.Reason.UNKNOWN_LAYOUT,
                        "unknown layout '" + name + "'; known: " + OpenSslLayouts.builtIn().all().stream()
                                .map(OpenSslLayout::name).toList())));
        List<LibraryKey> keys = current.keysWithInode(inode);
        if (keys.size() != 1) {
            throw new TracerControlException(TracerControlException.Reason.UNKNOWN_LIBRARY, keys.isEmpty()
                    ? "no attached library has inode " + inode
                    : "inode " + inode + " is on several devices: " + keys);
        }
        return current.forceLayout(keys.getFirst(), layout)
                .orElseThrow(() -> new TracerControlException(TracerControlException.Reason.UNKNOWN_LIBRARY,
                        "library with inode " + inode + " is not attached or is not OpenSSL (Go has no struct layouts)"));
    }

    /** Switches the probes of every Go executable off or on, detaching or attaching them now. */
    public void setGoHooks(boolean enabled) {
        runningRegistry().setGoHooks(enabled);
        LOG.infof("Go hooks switched %s", enabled ? "on" : "off");
    }

    /** Switches one Go executable's probes off or on. */
    public LibraryRegistry.LibraryView setGoHooks(long inode, boolean enabled) {
        LibraryRegistry current = runningRegistry();
        List<LibraryKey> keys = current.keysWithInode(inode);
        if (keys.size() != 1) {
            throw new TracerControlException(TracerControlException.Reason.UNKNOWN_LIBRARY, keys.isEmpty()
                    ? "no known library has inode " + inode : "inode " + inode + " is on several devices: " + keys);
        }
        return current.setGoHooks(keys.getFirst(), enabled)
                .orElseThrow(() -> new TracerControlException(TracerControlException.Reason.UNKNOWN_LIBRARY,
                        "library with inode " + inode + " is not a Go executable"));
    }

    public boolean goHooksEnabled() {
        LibraryRegistry current = registry;
        return current == null ? config.go().hooksEnabled() : current.goHooksEnabled();
    }

    private LibraryRegistry runningRegistry() {
        LibraryRegistry current = registry;
        if (current == null || state.status() != TracerState.Status.UP) {
            throw new TracerControlException(TracerControlException.Reason.TRACER_DOWN,
                    "tracing is not running (" + state.reason() + ")");
        }
        return current;
    }

    /** Name of the layout at a kernel table index, as events carry it. */
    public static Optional<String> layoutName(int index) {
        return OpenSslLayouts.builtIn().atIndex(index).map(OpenSslLayout::name);
    }

    /** Start failed for a reason the user can act on; the message says which. */
    static final class TracerStartException extends RuntimeException {
        TracerStartException(String message) {
            super(message);
        }

        TracerStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
