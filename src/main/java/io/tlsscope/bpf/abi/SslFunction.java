package io.tlsscope.bpf.abi;

/** enum tlsscope_function: which OpenSSL or Go crypto/tls call produced an event. Append-only. */
public enum SslFunction {
    SSL_WRITE(0, "SSL_write"),
    SSL_READ(1, "SSL_read"),
    SSL_WRITE_EX(2, "SSL_write_ex"),
    SSL_READ_EX(3, "SSL_read_ex"),
    GO_WRITE(4, "crypto/tls.(*Conn).Write"),
    GO_READ(5, "crypto/tls.(*Conn).Read");

    /** values() copies its array on every call, and this is looked up per ring-buffer record. */
    private static final SslFunction[] ALL = values();

    private final int value;
    private final String symbol;

    SslFunction(int value, String symbol) {
        this.value = value;
        this.symbol = symbol;
    }

    /** The symbol name: exported by libssl, or Go's name of the method. */
    public String symbol() {
        return symbol;
    }

    public static SslFunction fromValue(int value) {
        for (SslFunction function : ALL) {
            if (function.value == value) {
                return function;
            }
        }
        throw new IllegalArgumentException("unknown ssl function value " + value);
    }
}
