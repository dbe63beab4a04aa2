package io.tlsscope.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jboss.logging.Logger;

/**
 * Routes libbpf's log (libbpf_set_print) to the Java log, category io.tlsscope.bpf.libbpf. The
 * message arrives as a format and a va_list; on x86-64 the va_list is passed by address, so a
 * vsnprintf downcall formats it.
 */
public final class LibbpfLog {
    private static final Logger LOG = Logger.getLogger("io.tlsscope.bpf.libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    private static final int MESSAGE_MAX = 4096;
    private static boolean installed;

    private LibbpfLog() {
    }

    /** Installs the router once for the process (the callback lives in the global arena). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        try {
            MemorySegment callback = Linker.nativeLinker().upcallStub(
                    MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                            MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class)),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            // the previous print function is libbpf's default (stderr): not kept, never restored
            MemorySegment ignored = (MemorySegment) Libbpf.SET_PRINT.invokeExact(callback);
            installed = true;
        } catch (Throwable e) {
            throw Libbpf.rethrow("install libbpf log", e);
        }
    }

    /** Upcall target: never throws. */
    private static int print(int level, MemorySegment format, MemorySegment arguments) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buffer = call.allocate(MESSAGE_MAX);
            int length = (int) Libbpf.VSNPRINTF.invokeExact(buffer, (long) MESSAGE_MAX, format, arguments);
            String message = buffer.getString(0).stripTrailing();
            switch (level) {
                case LIBBPF_WARN -> LOG.warn(message);
                case LIBBPF_INFO -> LOG.info(message);
                default -> LOG.debug(message);
            }
            return length;
        } catch (Throwable e) {
            return 0;
        }
    }
}
