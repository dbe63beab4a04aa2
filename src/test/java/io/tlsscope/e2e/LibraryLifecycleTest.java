package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attach once per inode, detach after the last user: with a private copy of libssl (its own
 * inode, so no other process on the host shares it) loaded by a real python3 that forks a child
 * and exits. The child never exec'd: the kernel's fork record passes the parent's library on to
 * it, and the probes must stay until the child is gone too (then for the grace period, 2 s in tests).
 */
@QuarkusTest
class LibraryLifecycleTest {
    private static final Path SYSTEM_LIBS = Path.of("/usr/lib/x86_64-linux-gnu");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String FORK_AND_EXIT = """
            import os, ssl, sys, time
            time.sleep(1.5)                 # let the tracer find this process after its exec
            child = os.fork()
            if child == 0:
                time.sleep(60)              # the forked child keeps the library mapped
                os._exit(0)
            print(child, flush=True)
            sys.stdin.readline()            # exit when the test says so
            """;

    @Test
    void probesStayWhileAForkedChildMapsTheLibraryAndGoWithIt(@TempDir Path libraries) throws Exception {
        Files.copy(SYSTEM_LIBS.resolve("libssl.so.3"), libraries.resolve("libssl.so.3"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(SYSTEM_LIBS.resolve("libcrypto.so.3"), libraries.resolve("libcrypto.so.3"), StandardCopyOption.COPY_ATTRIBUTES);
        long inode = (Long) Files.getAttribute(libraries.resolve("libssl.so.3"), "unix:ino");

        ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", "-c", FORK_AND_EXIT).redirectErrorStream(true);
        builder.environment().put("LD_LIBRARY_PATH", libraries.toString());
        Process parent = builder.start();
        BufferedReader output = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        long child = Long.parseLong(output.readLine().trim());
        try {
            Await.until(WAIT, "the private libssl attached for the parent", () ->
                    library(inode).map(entry -> pids(entry).contains(parent.pid())).orElse(false));
            assertThat(library(inode).orElseThrow().get("probes")).asList().contains("SSL_read", "SSL_write");
            assertThat(library(inode).orElseThrow().get("version")).asString().startsWith("OpenSSL 3.");

            parent.getOutputStream().close(); // the parent exits; the child lives on
            parent.waitFor();
            Await.until(WAIT, "the forked child found as the library's user", () ->
                    library(inode).map(entry -> pids(entry).equals(List.of(child))).orElse(false));
            assertThat(library(inode).orElseThrow().get("probes")).asList().isNotEmpty();
        } finally {
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
        Await.until(WAIT, "the library detached after its last user exited", () -> library(inode).isEmpty());
    }

    private static Optional<Map<String, Object>> library(long inode) {
        List<Map<String, Object>> libraries = given().get("/api/v1/libraries").jsonPath().getList("$");
        return libraries.stream().filter(entry -> ((Number) entry.get("inode")).longValue() == inode).findFirst();
    }

    private static List<Long> pids(Map<String, Object> library) {
        return ((List<?>) library.get("pids")).stream().map(pid -> ((Number) pid).longValue()).toList();
    }
}
