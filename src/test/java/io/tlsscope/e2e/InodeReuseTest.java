package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.testsupport.NodeBinaries;
import io.tlsscope.testsupport.PrivateExt4;
import io.tlsscope.testsupport.TracerApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted executable's inode number given to a new file (ext4 hands the freed number to the
 * next file created, here on a private loop-mounted ext4): what tlsscope learnt about the old file
 * must not stick.
 * First a copy of sleep runs (no OpenSSL: remembered as such); it exits and is deleted; then a
 * Node.js binary (OpenSSL inside) is written under the same inode number and must be attached.
 */
@QuarkusTest
class InodeReuseTest {
    @Inject
    TlsscopeConfig config;

    @Test
    void aNewFileOnAReusedInodeIsClassifiedAfresh(@TempDir Path scratch) throws Exception {
        Path node = NodeBinaries.fetch("18.20.8");
        try (PrivateExt4 filesystem = PrivateExt4.create(scratch, "400M")) {
            reuseInodeOn(filesystem.root(), node);
        }
    }

    private void reuseInodeOn(Path directory, Path node) throws Exception {
        Path first = Files.copy(Path.of("/usr/bin/sleep"), directory.resolve("first"));
        long inode = inodeOf(first);
        Process sleeper = new ProcessBuilder(first.toString(), "30").start();
        try {
            // discovery looks at an exec'd process at each of the exec rescan delays: let all pass
            Thread.sleep(config.tracer().execRescanDelays().getLast().plusMillis(500).toMillis());
            assertThat(sleeper.isAlive()).isTrue();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        Files.delete(first);
        Path second = fileOnInode(directory, inode);
        try (OutputStream out = Files.newOutputStream(second, StandardOpenOption.TRUNCATE_EXISTING)) {
            Files.copy(node, out); // into the same inode, not a new file
        }
        assertThat(second.toFile().setExecutable(true)).isTrue();

        Process nodeProcess = new ProcessBuilder(second.toString(), "-e", "setTimeout(() => {}, 30000)").start();
        try {
            TracerApi.awaitLibraryUsedBy(nodeProcess.pid());
            Map<String, Object> library = given().get("/api/v1/libraries").jsonPath()
                    .getMap("find { it.pids.contains(" + nodeProcess.pid() + ") }");
            assertThat(library).containsEntry("kind", "static-openssl");
            assertThat(((Number) library.get("inode")).longValue()).isEqualTo(inode);
        } finally {
            nodeProcess.destroyForcibly().waitFor();
        }
    }

    /**
     * An empty file with the given inode number: ext4 frees a deleted file's inode a moment after
     * its last user is gone and then hands it to the next file created in the directory (on a
     * filesystem of the test's own, nothing else takes it first).
     */
    private static Path fileOnInode(Path directory, long inode) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            Path candidate = Files.createFile(directory.resolve("second-" + attempt));
            if (inodeOf(candidate) == inode) {
                return candidate;
            }
            Files.delete(candidate);
            Thread.sleep(100);
        }
        throw new AssertionError("the filesystem did not reuse inode " + inode + " within 5 s");
    }

    private static long inodeOf(Path file) throws IOException {
        return (Long) Files.readAttributes(file, "unix:ino").get("ino");
    }
}
