package io.tlsscope.bpf;

/** Whether libbpf can be used in this process, and facts it knows about the machine. */
public final class LibbpfRuntime {
    private LibbpfRuntime() {
    }

    /** Loads libbpf.so.1 now; a readable LibbpfException names the package to install if it is missing. */
    public static void ensureAvailable() {
        try {
            possibleCpus();
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String remedy = Libbpf.LIBRARY.contains("/") ? "the bundle's copy is missing or damaged: reinstall tlsscope"
                    : "install the Debian package libbpf1";
            throw new LibbpfException("load " + Libbpf.LIBRARY, cause.getMessage() + "; " + remedy, e);
        }
    }

    /** Number of possible CPUs: the number of values a per-CPU map holds per key. */
    public static int possibleCpus() {
        try {
            return LibbpfException.check((int) Libbpf.NUM_POSSIBLE_CPUS.invokeExact(), "count possible CPUs");
        } catch (Throwable e) {
            throw Libbpf.rethrow("count possible CPUs", e);
        }
    }
}
