package io.tlsscope.discovery;

/** What kind of TLS code a mapped file carries, which decides how it is probed. */
public enum LibraryKind {
    /** OpenSSL's SSL_read/SSL_write: a shared libssl or an executable linking OpenSSL statically. */
    OPENSSL,
    /** A Go executable with crypto/tls.(*Conn).Read and Write. */
    GO;

    /** How the API, inspect and events name a Go executable's kind. */
    public static final String GO_NAME = "go";
}
