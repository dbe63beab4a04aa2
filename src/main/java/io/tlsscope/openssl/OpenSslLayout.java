package io.tlsscope.openssl;

/**
 * Where an OpenSSL release keeps the socket fd: SSL->rbio at sslRbioOffset, BIO->num at
 * bioNumOffset. Loaded from openssl/layouts.json, where each number has its source.
 */
public record OpenSslLayout(String name, String min, String maxExclusive, int sslRbioOffset, int bioNumOffset,
                            String source, String verified) {
}
