package io.tlsscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tlsscope.testsupport.SelfSignedCertificate;
import io.tlsscope.testsupport.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The API over TLS, configured the way the README says (Quarkus' certificate and key files, plain
 * HTTP disabled): a client that trusts the certificate gets the API with its token, plain HTTP
 * gets nothing. The tracer is off in this profile: only the listener is under test.
 */
@QuarkusTest
@TestProfile(TlsListenerTest.Tls.class)
class TlsListenerTest {
    private static final Path DIRECTORY = directory();
    private static final SelfSignedCertificate CERTIFICATE = SelfSignedCertificate.createIn(DIRECTORY);

    /** Certificate files and HTTPS only. */
    public static final class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.ssl.certificate.files", CERTIFICATE.certificate().toString(),
                    "quarkus.http.ssl.certificate.key-files", CERTIFICATE.key().toString(),
                    "quarkus.http.insecure-requests", "disabled",
                    "quarkus.http.test-ssl-port", "0",
                    "tlsscope.tracer.enabled", "false");
        }
    }

    @TestHTTPResource(value = "/api/v1/counters", tls = true)
    URI https;

    @Test
    void theApiAnswersOverTlsAndNotInTheClear() throws Exception {
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(CERTIFICATE.certificate())).build();
        URI byName = URI.create("https://localhost:" + https.getPort() + https.getPath()); // the certificate names localhost
        HttpResponse<String> counters = trusting.send(HttpRequest.newBuilder(byName).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TestTokens.VIEWER).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(https.getScheme()).isEqualTo("https");
        assertThat(counters.statusCode()).isEqualTo(200);
        assertThat(counters.body()).contains("events.published");

        URI plain = URI.create("http://" + https.getHost() + ":" + https.getPort() + https.getPath());
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the TLS port").isInstanceOf(IOException.class);
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (var in = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("tlsscope", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory("tlsscope-listener-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
