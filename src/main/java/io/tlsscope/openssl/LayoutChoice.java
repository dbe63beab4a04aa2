package io.tlsscope.openssl;

import java.util.Locale;

/**
 * Which struct layout the kernel tries for one library's SSL objects, and why.
 *
 * @param layout the layout tried first (DETECTED) or only (FORCED); null for SCAN and OFF
 * @param reason one sentence for people: the evidence and what follows from it
 */
public record LayoutChoice(OpenSslLayout layout, Source source, String reason) {

    public enum Source {
        /** From the detected version: tried first, then every other layout. */
        DETECTED,
        /** Set by an operator: the only layout tried, still validated against the process's sockets. */
        FORCED,
        /** Version unknown: every layout is tried, the first naming a TCP socket of the process wins. */
        SCAN,
        /** Not OpenSSL (LibreSSL, BoringSSL): no layout applies; the layout-free fd methods remain. */
        OFF;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static LayoutChoice forced(OpenSslLayout layout) {
        return new LayoutChoice(layout, Source.FORCED, "forced by an operator: only " + layout.name()
                + " is tried, and its fd must still be a TCP socket of the process");
    }

    /** Whether the kernel may try layouts other than {@link #layout()}. */
    public boolean triesOtherLayouts() {
        return source == Source.DETECTED || source == Source.SCAN;
    }

    public String layoutName() {
        return layout == null ? null : layout.name();
    }
}
