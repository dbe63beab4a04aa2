package io.tlsscope.bpf.abi;

/** enum tlsscope_function: which OpenSSL call produced an event. Append-only. */
public enum SslFunction {
    SSL_WRITE(0, "SSL_write"),
    SSL_READ(1, "SSL_read"),
    SSL_WRITE_EX(2, "SSL_write_ex"),
    SSL_READ_EX(3, "SSL_read_ex");

    private final int value;
    private final String symbol;

    SslFunction(int value, String symbol) {
        this.value = value;
        this.symbol = symbol;
    }

    /** The exported symbol name in libssl. */
    public String symbol() {
        return symbol;
    }

    public static SslFunction fromValue(int value) {
        for (SslFunction function : values()) {
            if (function.value == value) {
                return function;
            }
        }
        throw new IllegalArgumentException("unknown ssl function value " + value);
    }
}
