package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.testsupport.Await;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.SseCollector;
import io.tlsscope.testsupport.TestTokens;
import io.tlsscope.testsupport.TracerApi;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scope limited to the database server, by each kind of entry: the PostgreSQL backends' side of a
 * TLS session still gives query events, psql's side (same system libssl, same probes, out of
 * scope) gives none, and each of psql's calls is counted as skipped in the kernel.
 */
@QuarkusTest
class ScopeTest {
    private static final String POSTGRES = "/usr/lib/postgresql/15/bin/postgres";
    private static final Path SYSTEM_LIBS = Path.of("/usr/lib/x86_64-linux-gnu");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup/unified");

    @TestHTTPResource("/api/v1/events?type=query")
    URI queryEvents;

    @AfterEach
    void everyProcessAgain() {
        putScope(Map.of()).then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"executables", "comms", "users", "cgroups"})
    void onlyTheServerSideIsTracedWhenTheScopeNamesTheServer(String kind) throws Exception {
        String marker = "scope_" + kind + "_" + UUID.randomUUID().toString().substring(0, 8);
        long clientsBefore = TracerApi.sseClients();
        Path cgroup = CGROUP_ROOT.resolve("tlsscope-test-" + marker);
        try (PostgresTlsServer server = PostgresTlsServer.start();
             SseCollector sse = new SseCollector(queryEvents)) {
            String entry = switch (kind) {
                case "executables" -> POSTGRES;
                case "comms" -> "postgres";
                case "users" -> "postgres";
                default -> cgroupOf(server.postmasterPid(), cgroup);
            };
            putScope(Map.of(kind, List.of(entry))).then().statusCode(200);
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            TracerApi.awaitSseClients(clientsBefore + 1);
            long skippedBefore = TracerApi.counter("kernel.scope.skipped-calls");
            long withoutEntryBefore = TracerApi.counter("kernel.calls.return-without-entry");
            try (PsqlSession psql = server.openPsql()) {
                long backend = psql.backendPid();
                psql.query("SELECT '" + marker + "' AS first;");
                psql.query("SELECT '" + marker + "' AS second;");

                Await.until(Duration.ofSeconds(15), "the backend's two query events", () ->
                        events(sse, "server", backend, marker).size() == 2);
                // psql wrote each statement before the backend read it, through the same ring buffer
                // and pipeline: had its calls been traced, their events would have come first
                assertThat(events(sse, "client", psql.pid(), marker)).as("psql is out of scope").isEmpty();
                assertThat(sse.events(event -> event.at("/connection/pid").asLong() == psql.pid())).isEmpty();
                // per statement psql makes at least one SSL_write and one SSL_read, left at their entry
                assertThat(TracerApi.counter("kernel.scope.skipped-calls") - skippedBefore).isGreaterThanOrEqualTo(4);
                assertThat(TracerApi.counter("kernel.calls.return-without-entry") - withoutEntryBefore)
                        .as("the returns of skipped calls are no loss").isZero();
            }
        } finally {
            removeCgroup(cgroup);
        }
    }

    /**
     * A scope by executable: a private libssl copy that only an out-of-scope process maps is known
     * but gets no probes (the process does not even take the trap); once the scope names that
     * process's executable, the same library is attached.
     */
    @Test
    void aLibraryOnlyOutOfScopeProcessesUseGetsNoProbes(@TempDir Path directory) throws Exception {
        Path libraries = Files.createDirectory(directory.resolve("lib"));
        Path libssl = Files.copy(SYSTEM_LIBS.resolve("libssl.so.3"), libraries.resolve("libssl.so.3"));
        Files.copy(SYSTEM_LIBS.resolve("libcrypto.so.3"), libraries.resolve("libcrypto.so.3"));
        long inode = (Long) Files.getAttribute(libssl, "unix:ino");
        putScope(Map.of("executables", List.of(POSTGRES))).then().statusCode(200);
        Process python = new ProcessBuilder("/usr/bin/env", "LD_LIBRARY_PATH=" + libraries, "python3", "-c",
                "import ssl, sys; sys.stdin.read()").start();
        try {
            Await.until(Duration.ofSeconds(20), "the private libssl known as used by python3", () ->
                    library(inode).map(found -> ((List<?>) found.get("pids")).contains((int) python.pid())).orElse(false));
            assertThat(library(inode).orElseThrow().get("probes")).as("no probes for an out-of-scope user").asList().isEmpty();
            assertThat(library(inode).orElseThrow()).doesNotContainKey("attachError")
                    .containsEntry("probesOff", "no process in scope uses it (tlsscope.scope)");

            String python3 = Path.of("/proc/" + python.pid() + "/exe").toRealPath().toString();
            putScope(Map.of("executables", List.of(POSTGRES, python3))).then().statusCode(200);
            assertThat(library(inode).orElseThrow().get("probes")).as("attached once its user is in scope").asList()
                    .contains("SSL_read", "SSL_write");
            assertThat(library(inode).orElseThrow()).doesNotContainKey("probesOff");
        } finally {
            python.destroy();
        }
    }

    /**
     * A package upgrade renames a new file over an executable the scope names, as dpkg does: a
     * process started from the new file (another inode) is in scope without an operator's PUT, so its
     * private libssl gets probes.
     */
    @Test
    void anExecutableReplacedOnDiskStaysInScope(@TempDir Path directory) throws Exception {
        Path python3 = Path.of("/usr/bin/python3").toRealPath();
        Path executable = Files.copy(python3, directory.resolve("python3"), StandardCopyOption.COPY_ATTRIBUTES);
        putScope(Map.of("executables", List.of(POSTGRES, executable.toString()))).then().statusCode(200);

        Path upgrade = Files.copy(python3, directory.resolve("python3.dpkg-new"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(upgrade, executable, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path libraries = Files.createDirectory(directory.resolve("lib"));
        Path libssl = Files.copy(SYSTEM_LIBS.resolve("libssl.so.3"), libraries.resolve("libssl.so.3"));
        Files.copy(SYSTEM_LIBS.resolve("libcrypto.so.3"), libraries.resolve("libcrypto.so.3"));
        long inode = (Long) Files.getAttribute(libssl, "unix:ino");
        Process python = new ProcessBuilder("/usr/bin/env", "LD_LIBRARY_PATH=" + libraries, executable.toString(), "-c",
                "import ssl, sys; sys.stdin.read()").start();
        try {
            Await.until(Duration.ofSeconds(20), "the private libssl of the upgraded executable's process attached", () ->
                    library(inode).map(found -> ((List<?>) found.get("pids")).contains((int) python.pid())
                            && !((List<?>) found.get("probes")).isEmpty()).orElse(false));
            assertThat(library(inode).orElseThrow()).doesNotContainKey("probesOff");
        } finally {
            python.destroy();
        }
    }

    @Test
    void aBadScopeIsAProblemNamingTheListAndTheScopeInForceStays() {
        putScope(Map.of("users", List.of("postgres"))).then().statusCode(200);
        putScope(Map.of("executables", List.of("postgres"))).then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("executables")).body("detail", containsString("'postgres' is not an absolute path"));
        putScope(Map.of("users", List.of("no-such-user-here"))).then().statusCode(400)
                .body("field", equalTo("users")).body("detail", containsString("'no-such-user-here' is neither a uid nor a name"));
        putScope(Map.of("cgroups", List.of("/no-such.slice"))).then().statusCode(400)
                .body("field", equalTo("cgroups")).body("detail", containsString("does not exist"));
        // a misspelt list is refused, not read as "no executables" (which could widen the scope)
        given().contentType("application/json")
                .body(Map.of("executable", List.of(POSTGRES), "comms", List.of(), "cgroups", List.of(), "users", List.of()))
                .put("/api/v1/scope").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("executables")).body("detail", containsString("empty for none"));
        given().header("Authorization", "Bearer " + TestTokens.VIEWER).contentType("application/json")
                .body(Map.of("executables", List.of(), "comms", List.of(), "cgroups", List.of(), "users", List.of()))
                .put("/api/v1/scope").then().statusCode(403);

        given().header("Authorization", "Bearer " + TestTokens.VIEWER).get("/api/v1/scope").then().statusCode(200)
                .body("limited", equalTo(true)).body("users", equalTo(List.of("postgres")))
                .body("executables", equalTo(List.of()));
    }

    /** The library with this inode as /api/v1/libraries shows it. */
    private static Optional<Map<String, Object>> library(long inode) {
        List<Map<String, Object>> all = given().get("/api/v1/libraries").jsonPath().getList("$");
        return all.stream().filter(library -> ((Number) library.get("inode")).longValue() == inode).findFirst();
    }

    /** Moves the postmaster into a new cgroup v2 child (its backends, forked later, are born there) and names it as written in /proc/PID/cgroup. */
    private static String cgroupOf(long postmaster, Path cgroup) throws IOException {
        Files.createDirectory(cgroup);
        Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(postmaster));
        String line = Files.readAllLines(Path.of("/proc/" + postmaster + "/cgroup")).stream()
                .filter(text -> text.startsWith("0::")).findFirst().orElseThrow();
        assertThat(line).isEqualTo("0::/" + cgroup.getFileName());
        return line.substring(3);
    }

    /** A cgroup can go once its processes have exited; the server's close waits for the postmaster only. */
    private static void removeCgroup(Path cgroup) {
        if (Files.isDirectory(cgroup)) {
            Await.until(Duration.ofSeconds(10), "the test cgroup to be empty and removed", () -> {
                try {
                    Files.delete(cgroup);
                    return true;
                } catch (IOException busy) {
                    return false;
                }
            });
        }
    }

    private static io.restassured.response.Response putScope(Map<String, List<String>> entries) {
        Function<String, List<String>> list = kind -> entries.getOrDefault(kind, List.of());
        return given().contentType("application/json")
                .body(Map.of("executables", list.apply("executables"), "comms", list.apply("comms"),
                        "cgroups", list.apply("cgroups"), "users", list.apply("users")))
                .put("/api/v1/scope");
    }

    private static List<JsonNode> events(SseCollector sse, String side, long pid, String marker) {
        return sse.events(event -> event.get("type").asText().equals("query") && event.get("side").asText().equals(side)
                && event.at("/connection/pid").asLong() == pid && event.get("statement").asText().contains(marker));
    }
}
