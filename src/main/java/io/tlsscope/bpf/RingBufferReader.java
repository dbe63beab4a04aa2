package io.tlsscope.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Drains a BPF ring buffer on one dedicated platform thread. Each record is copied into a fresh
 * heap ByteBuffer (native byte order) and handed to the sink before the callback returns, so the
 * sink may keep it. The sink runs on the reader thread and must not block; what it throws is
 * logged and counted, never fatal. {@link #close()} may be called from any thread.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RingBufferReader.class);
    /** Also the longest a record submitted without wakeup waits to be read. */
    private static final int POLL_TIMEOUT_MILLIS = 5;
    private static final int EINTR = 4;
    private static final MethodHandle ON_SAMPLE;

    static {
        try {
            ON_SAMPLE = MethodHandles.lookup().findVirtual(RingBufferReader.class, "onSample",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Consumer<ByteBuffer> sink;
    private final String threadName;
    private final Arena arena = Arena.ofShared();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final MemorySegment ringBuffer;
    private volatile boolean running;
    /** Why the reader thread stopped on its own; null while it runs or after a regular close. */
    private volatile String failure;
    private Thread thread;
    private boolean closed;

    public RingBufferReader(BpfMap ringBufferMap, Consumer<ByteBuffer> sink, String threadName) {
        this.sink = sink;
        this.threadName = threadName;
        try {
            MemorySegment callback = Linker.nativeLinker().upcallStub(ON_SAMPLE.bindTo(this),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), arena);
            MemorySegment capture = arena.allocate(Libbpf.CAPTURE_LAYOUT);
            ringBuffer = (MemorySegment) Libbpf.RING_BUFFER_NEW.invokeExact(capture, ringBufferMap.fd(), callback,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (ringBuffer.equals(MemorySegment.NULL)) {
                throw new LibbpfException("open ring buffer " + ringBufferMap.name(), Libbpf.errno(capture));
            }
        } catch (Throwable e) {
            arena.close();
            throw Libbpf.rethrow("open ring buffer " + ringBufferMap.name(), e);
        }
    }

    /** Starts the reader thread; once. */
    public synchronized void start() {
        if (thread != null || closed) {
            throw new IllegalStateException("ring buffer reader " + threadName + " already started or closed");
        }
        running = true;
        thread = Thread.ofPlatform().name(threadName).daemon().start(this::pollLoop);
    }

    /**
     * Waits for a wakeup at most POLL_TIMEOUT_MILLIS, then also consumes what arrived without one:
     * the kernel side may submit records without waking the reader (BPF_RB_NO_WAKEUP) to batch
     * them, so a timed-out poll must still drain the buffer.
     */
    private void pollLoop() {
        while (running) {
            try {
                int result = (int) Libbpf.RING_BUFFER_POLL.invokeExact(ringBuffer, POLL_TIMEOUT_MILLIS);
                if (result == 0) {
                    result = (int) Libbpf.RING_BUFFER_CONSUME.invokeExact(ringBuffer);
                }
                if (result < 0 && result != -EINTR) {
                    stopped(new LibbpfException("read ring buffer", -result).getMessage(), null);
                    return;
                }
            } catch (Throwable e) {
                stopped(e.toString(), e);
                return;
            }
        }
    }

    private void stopped(String reason, Throwable cause) {
        failure = "ring buffer " + threadName + ": reader stopped, events are lost until restart: " + reason;
        LOG.error(failure, cause);
    }

    /** Why the reader stopped by itself (events are being lost), or null while it runs. */
    public String failure() {
        return failure;
    }

    /** Upcall target for ring_buffer_sample_fn: declares no checked exception and never throws. */
    private int onSample(MemorySegment context, MemorySegment data, long size) {
        samples.incrementAndGet();
        try {
            byte[] copy = data.reinterpret(size).toArray(ValueLayout.JAVA_BYTE);
            sink.accept(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
        } catch (Throwable e) {
            // an exception escaping an upcall kills the JVM: count and carry on
            if (sinkFailures.incrementAndGet() == 1) {
                LOG.errorf(e, "ring buffer %s: sink failed (further failures are only counted)", threadName);
            }
        }
        return 0;
    }

    public long samples() {
        return samples.get();
    }

    public long sinkFailures() {
        return sinkFailures.get();
    }

    /** Stops and joins the reader thread, then frees the ring buffer. Idempotent. */
    @Override
    public void close() {
        Thread toJoin;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
            toJoin = thread;
        }
        if (toJoin != null) {
            try {
                toJoin.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Libbpf.RING_BUFFER_FREE.invokeExact(ringBuffer);
        } catch (Throwable e) {
            throw Libbpf.rethrow("free ring buffer " + threadName, e);
        } finally {
            arena.close();
        }
    }
}
