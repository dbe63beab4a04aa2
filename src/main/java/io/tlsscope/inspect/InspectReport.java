package io.tlsscope.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tlsscope.golang.GoInspectReport;
import java.util.Map;

/**
 * What {@code tlsscope inspect} finds in one ELF file.
 *
 * @param kind            {@link io.tlsscope.discovery.LibraryKind#jsonName()}: openssl (a shared libssl),
 *                        static-openssl (an executable carrying SSL_read and SSL_write itself), go, not-tls
 * @param family          openssl, quictls, libressl or boringssl, when a version banner names it
 * @param versionEvidence where the version came from (banner in which file, or the file name)
 * @param layoutSource    detected, scan (version unknown: every layout tried) or off (not OpenSSL)
 * @param symbols         file offsets (what uprobes attach at) of the SSL_* functions present
 * @param go              for Go executables: version, ABI, crypto/tls functions and their RETs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InspectReport(String path, String kind, String version, String family, String versionEvidence,
                            String layout, String layoutSource, String layoutReason, Map<String, String> symbols,
                            String buildId, GoInspectReport go) {
}
