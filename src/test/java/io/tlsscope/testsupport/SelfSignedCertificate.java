package io.tlsscope.testsupport;

import java.nio.file.Path;
import java.util.List;

/** A throw-away certificate and key for localhost, made with the system's openssl. */
public record SelfSignedCertificate(Path certificate, Path key) {

    public static SelfSignedCertificate createIn(Path directory) {
        Path certificate = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        Commands.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-days", "1", "-keyout", key.toString(), "-out", certificate.toString()));
        return new SelfSignedCertificate(certificate, key);
    }
}
