package io.tlsscope.openssl;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsscope.testsupport.Readelf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Banner parsing. OpenSSL and quictls banners are the strings real binaries carry (Debian's
 * libcrypto, Node.js 16/18/24 from the npm registry); LibreSSL's and BoringSSL's are their
 * headers' LIBRESSL_VERSION_TEXT and OPENSSL_VERSION_TEXT, as no such library is on this machine.
 */
class OpenSslVersionTest {

    @Test
    void systemLibcryptoBannerIsOpenSslWithItsNumber() {
        String number = Readelf.systemOpensslVersionNumber();
        OpenSslVersion version = OpenSslVersionDetector.detect(Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3"))
                .exact().orElseThrow();
        assertThat(version.family()).isEqualTo(TlsFamily.OPENSSL);
        assertThat(version.number()).isEqualTo(number);
    }

    @Test
    void letterReleasesAndQuicBuildsAreRecognised() {
        OpenSslVersion debian = OpenSslVersion.parse("OpenSSL 1.1.1w  11 Sep 2023").orElseThrow();
        assertThat(debian.family()).isEqualTo(TlsFamily.OPENSSL);
        assertThat(debian.number()).isEqualTo("1.1.1w");

        OpenSslVersion node16 = OpenSslVersion.parse("OpenSSL 1.1.1v+quic  1 Aug 2023").orElseThrow();
        assertThat(node16.family()).isEqualTo(TlsFamily.QUICTLS);
        assertThat(node16.number()).isEqualTo("1.1.1v");

        assertThat(OpenSslVersion.parse("OpenSSL 3.5.4 30 Sep 2025").orElseThrow().number()).isEqualTo("3.5.4");
    }

    @Test
    void forksAreReportedAsThemselvesNotGuessedAsOpenSsl() {
        assertThat(OpenSslVersion.parse("LibreSSL 3.8.2").orElseThrow().family()).isEqualTo(TlsFamily.LIBRESSL);
        OpenSslVersion boring = OpenSslVersion.parse("OpenSSL 1.1.1 (compatible; BoringSSL)").orElseThrow();
        assertThat(boring.family()).isEqualTo(TlsFamily.BORINGSSL);
        // a BoringSSL build also carries OpenSSL-looking text; the fork's own banner decides
        assertThat(OpenSslVersion.bestOf(List.of("OpenSSL 1.1.1  11 Sep 2018", "OpenSSL 1.1.1 (compatible; BoringSSL)"))
                .orElseThrow().family()).isEqualTo(TlsFamily.BORINGSSL);
    }

    @Test
    void proseMentioningOpenSslIsNoBanner() {
        assertThat(OpenSslVersion.parse("OpenSSL 1.1.1 or later is required")).isEmpty();
        assertThat(OpenSslVersion.parse("OpenSSL 3.0.0")).isEmpty();
    }

    @Test
    void lettersOrderAfterTheirBaseRelease() {
        assertThat(OpenSslVersion.number("1.1.1w")).isGreaterThan(OpenSslVersion.number("1.1.1"));
        assertThat(OpenSslVersion.number("1.1.1za")).isGreaterThan(OpenSslVersion.number("1.1.1z"));
        assertThat(OpenSslVersion.number("3.0.19")).isGreaterThan(OpenSslVersion.number("3.0.2"));
    }

    @Test
    void everyReleaseGroupHasExactlyOneLayoutAndForksNone() {
        OpenSslLayouts layouts = OpenSslLayouts.builtIn();
        for (String number : List.of("1.0.2u", "1.1.0l", "1.1.1w", "3.0.19", "3.1.8", "3.2.1", "3.2.4",
                "3.3.2", "3.3.3", "3.4.0", "3.4.1", "3.5.4", "3.6.3")) {
            OpenSslVersion version = OpenSslVersion.number(number);
            assertThat(layouts.all().stream().filter(layout -> layout.covers(version))).as(number).hasSize(1);
        }
        assertThat(layouts.forVersion(OpenSslVersion.parse("LibreSSL 3.8.2").orElseThrow())).isEmpty();
    }

    @Test
    void withoutBannerTheSonameNamesTheFamilyAndEveryLayoutIsTried(@TempDir Path directory)
            throws IOException {
        Path noBanner = Files.copy(Path.of("/bin/true"), directory.resolve("libssl.so.1.1"));
        OpenSslVersionDetector.Detection detection = OpenSslVersionDetector.detect(noBanner);
        assertThat(detection.version()).isNull();
        assertThat(detection.text()).isEqualTo("OpenSSL 1.1.x");
        LayoutChoice choice = OpenSslLayouts.builtIn().choose(detection);
        assertThat(choice.source()).isEqualTo(LayoutChoice.Source.SCAN);
        assertThat(choice.triesOtherLayouts()).isTrue();
    }
}
