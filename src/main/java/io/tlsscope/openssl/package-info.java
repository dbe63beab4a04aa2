/**
 * OpenSSL and its relatives (quictls, LibreSSL, BoringSSL): version detection from banners and
 * file names, and the struct layouts that lead from an SSL* to its socket fd, as data
 * (src/main/resources/openssl/layouts.json) with the source of every offset.
 */
package io.tlsscope.openssl;
