package io.tlsscope.openssl;

import java.util.Locale;

/**
 * The TLS library a version banner names. quictls is OpenSSL with QUIC additions that leave the
 * SSL and BIO fields tlsscope reads where OpenSSL has them; LibreSSL and BoringSSL have structs of
 * their own, so no OpenSSL layout applies to them.
 */
public enum TlsFamily {
    OPENSSL(true),
    QUICTLS(true),
    LIBRESSL(false),
    BORINGSSL(false);

    private final boolean openSslLayouts;

    TlsFamily(boolean openSslLayouts) {
        this.openSslLayouts = openSslLayouts;
    }

    /** Whether the OpenSSL struct layouts (openssl/layouts.json) describe this family. */
    public boolean hasOpenSslLayouts() {
        return openSslLayouts;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
