package io.tlsscope.discovery;

import java.util.Locale;

/**
 * What kind of TLS code a file carries, which decides how it is probed. The one vocabulary of the
 * REST API, {@code inspect}, the CLI and the registry: {@link #jsonName()} is the wire form.
 */
public enum LibraryKind {
    /** A shared libssl: SSL_read/SSL_write probed in the library, for every process mapping it. */
    OPENSSL,
    /** An executable carrying OpenSSL itself (statically linked, e.g. Node.js): probed like libssl. */
    STATIC_OPENSSL,
    /** A Go executable with crypto/tls.(*Conn).Read and Write. */
    GO,
    /** Neither: nothing to attach (only {@code inspect} reports it). */
    NOT_TLS;

    /** "openssl", "static-openssl", "go", "not-tls". */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the OpenSSL probes and struct layouts apply. */
    public boolean isOpenSsl() {
        return this == OPENSSL || this == STATIC_OPENSSL;
    }
}
