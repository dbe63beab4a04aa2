package io.tlsscope.faults;

import io.tlsscope.testsupport.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on loopback in this JVM that takes one connection, completes the handshake, then
 * reads the connection's raw bytes to their end and throws them away, counting them: the records
 * are not even decrypted, so a gibibyte costs this side little more than the copy. It speaks Java's
 * own TLS, not OpenSSL, so the tracer does not see it: only the writer's calls are traced.
 */
final class DiscardingTlsPeer implements AutoCloseable {
    private final ServerSocket listener;
    private final SSLContext tls;
    private final CompletableFuture<Long> received = new CompletableFuture<>();

    private DiscardingTlsPeer(ServerSocket listener, SSLContext tls) {
        this.listener = listener;
        this.tls = tls;
        Thread reader = new Thread(this::discardOneConnection, "discarding-tls-peer");
        reader.setDaemon(true);
        reader.start();
    }

    static DiscardingTlsPeer start(SelfSignedCertificate certificate) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("peer", privateKey(certificate), new char[0], new Certificate[] {x509(certificate)});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return new DiscardingTlsPeer(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), context);
        } catch (IOException e) {
            throw new UncheckedIOException("start the discarding TLS peer: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("start the discarding TLS peer: " + e.getMessage(), e);
        }
    }

    /** The key openssl wrote: PKCS#8 in PEM. */
    private static PrivateKey privateKey(SelfSignedCertificate certificate) throws IOException, GeneralSecurityException {
        String pem = Files.readString(certificate.key()).replaceAll("-----[A-Z ]+-----", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
    }

    private static Certificate x509(SelfSignedCertificate certificate) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(certificate.certificate())) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private void discardOneConnection() {
        try (Socket connection = listener.accept();
             SSLSocket handshake = (SSLSocket) tls.getSocketFactory().createSocket(connection, null, false)) {
            handshake.setUseClientMode(false);
            handshake.startHandshake();
            InputStream in = connection.getInputStream(); // beneath TLS: the records as they come
            byte[] buffer = new byte[1 << 20];
            long total = 0;
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                total += read;
            }
            received.complete(total);
        } catch (IOException e) {
            received.completeExceptionally(e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The bytes (TLS records) the connection carried after the handshake, once the writer closed it. */
    long awaitReceived(Duration limit) throws InterruptedException, ExecutionException, TimeoutException {
        return received.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
