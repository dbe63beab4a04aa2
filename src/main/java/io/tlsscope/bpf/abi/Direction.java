package io.tlsscope.bpf.abi;

/** enum tlsscope_direction, seen from the traced process. Append-only. */
public enum Direction {
    /** Plaintext the process handed to SSL_write: it leaves the process. */
    WRITE(0),
    /** Plaintext SSL_read returned to the process: it arrived. */
    READ(1);

    private final int value;
    /** Made once: every streamed event names it. */
    private final String jsonName;

    Direction(int value) {
        this.value = value;
        this.jsonName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The wire value. */
    public int value() {
        return value;
    }

    public static Direction fromValue(int value) {
        return value == READ.value ? READ : WRITE;
    }

    public String jsonName() {
        return jsonName;
    }
}
