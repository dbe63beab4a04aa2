package io.tlsscope.openssl;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.testsupport.NodeBinaries;
import io.tlsscope.testsupport.OpenSslRelease;
import io.tlsscope.testsupport.Objdump;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * layouts.json against the machine code of real OpenSSL builds: SSL_get_rbio returns SSL->rbio and
 * BIO_get_shutdown returns BIO->shutdown, which is followed by flags, retry_reason and num (three
 * ints) in every release. For each binary, the layout chosen for its detected version must match
 * what its own compiler put in those accessors.
 */
class LayoutsMatchRealBinariesTest {
    /** bio_st: int shutdown; int flags; int retry_reason; int num. */
    private static final int NUM_AFTER_SHUTDOWN = 3 * Integer.BYTES;

    static Stream<Arguments> binaries() {
        Path systemSsl = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");
        Path systemCrypto = Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
        Stream<Arguments> system = Stream.of(Arguments.of("Debian libssl.so.3", systemSsl, systemCrypto));
        Stream<Arguments> debian = OpenSslRelease.all().stream().filter(release -> !release.name().equals("system"))
                .map(release -> Arguments.of("Debian " + release.debianVersion(), release.libssl(),
                        release.libssl().resolveSibling(release.libssl().getFileName().toString().replace("libssl", "libcrypto"))));
        Stream<Arguments> node = Stream.of("16.20.2", "18.20.8", "24.11.1").map(version -> {
            Path binary = NodeBinaries.fetch(version);
            return Arguments.of("Node.js " + version, binary, binary);
        });
        return Stream.of(system, debian, node).flatMap(arguments -> arguments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void theDetectedLayoutIsWhatTheBinaryItselfReads(String name, Path ssl, Path crypto) {
        OpenSslVersion version = OpenSslVersionDetector.detect(ssl).exact().orElseThrow();
        OpenSslLayout layout = OpenSslLayouts.builtIn().forVersion(version).orElseThrow();

        assertThat(Objdump.firstLoadFromFirstArgument(ssl, "SSL_get_rbio", "%rax"))
                .as("%s (%s): SSL->rbio", name, version.text()).isEqualTo(layout.sslRbioOffset());
        assertThat(Objdump.firstLoadFromFirstArgument(crypto, "BIO_get_shutdown", "%eax") + NUM_AFTER_SHUTDOWN)
                .as("%s (%s): BIO->num", name, version.text()).isEqualTo(layout.bioNumOffset());
    }
}
