package io.tlsscope.openssl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Where OpenSSL releases keep the socket fd: SSL->rbio at sslRbioOffset, BIO->num at
 * bioNumOffset. Loaded from openssl/layouts.json, where each number has its source.
 *
 * @param ranges the releases this layout describes; not always contiguous, since fixes that changed
 *               the structs were released on several branches the same day
 */
public record OpenSslLayout(String name, List<VersionRange> ranges, int sslRbioOffset, int bioNumOffset,
                            String source, String verified) {

    /** Releases from min (inclusive) to maxExclusive. */
    public record VersionRange(String min, String maxExclusive) {
        boolean contains(OpenSslVersion version) {
            return version.compareTo(OpenSslVersion.number(min)) >= 0
                    && version.compareTo(OpenSslVersion.number(maxExclusive)) < 0;
        }

        @Override
        public String toString() {
            return "[" + min + ", " + maxExclusive + ")";
        }
    }

    public boolean covers(OpenSslVersion version) {
        return ranges.stream().anyMatch(range -> range.contains(version));
    }

    /** "[3.2.0, 3.2.4) [3.3.0, 3.3.3)". */
    public String rangeText() {
        return ranges.stream().map(VersionRange::toString).collect(Collectors.joining(" "));
    }
}
