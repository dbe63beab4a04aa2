package io.tlsscope.kernel;

import java.util.Locale;

/**
 * How the return probes read the bytes a TLS call moved out of the traced process's memory
 * (setting {@code tlsscope.tracer.user-memory-reads}).
 */
public enum UserMemoryReads {
    /** {@link #COPY} where the kernel has it, else {@link #PROBE_READ}. */
    AUTO,
    /**
     * Sleepable return programs (the {@code _copy} ones in tlsscope.bpf.c) that copy with
     * bpf_copy_from_user_dynptr (Linux 6.16+): a page that is not resident is faulted in, so no
     * chunk is lost to it.
     */
    COPY,
    /**
     * Return programs that read with bpf_probe_read_user, which may not fault: a page that is not
     * resident loses its chunk, counted in kernel.user-read.failed.
     */
    PROBE_READ;

    /** The kernel function the copying programs call; its presence in the kernel's BTF says they can load. */
    static final String COPY_KFUNC = "bpf_copy_from_user_dynptr";

    /** The name of a return program of this kind, from the plain program's name; AUTO has none. */
    String returnProgram(String plainName) {
        return switch (this) {
            case COPY -> plainName + "_copy";
            case PROBE_READ -> plainName;
            case AUTO -> throw new IllegalStateException("AUTO is resolved to COPY or PROBE_READ before programs are named");
        };
    }

    /** The setting's spelling in properties and in the API. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
