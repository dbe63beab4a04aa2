package io.tlsscope.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A library whose attach failed is attached again when another process maps it. The real race
 * (the process whose /proc/PID/root path discovery chose exits before the uprobes are created, seen
 * in CI as ENOENT) cannot be timed from a test, so the attacher here only checks that the path it
 * is given exists, as the kernel's uprobe creation does; no BPF is involved.
 */
class LibraryRegistryRetryTest {
    private static final Path LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    @Test
    void aFailedAttachIsRetriedThroughTheNextProcessThatMapsTheLibrary() throws Exception {
        LibraryAttacher pathMustExist = (id, mapping) -> {
            if (!Files.exists(mapping.openPath())) {
                throw new LibraryAttacher.AttachException("attach " + mapping.openPath() + ": No such file or directory", null);
            }
            return new LibraryAttacher.Attachment(new LibraryAttacher.AttachedLibrary("openssl", "3.0", List.of("SSL_read")), () -> { });
        };
        LibraryRegistry registry = new LibraryRegistry(pathMustExist, new GoHookPolicy(true));
        long inode = (Long) Files.readAttributes(LIBSSL, "unix:ino").get("ino");
        LibraryKey key = new LibraryKey(0xfe, 0, inode);
        MappedFile file = new MappedFile("7f00-7f01", "r-xp", key, LIBSSL.toString(), false);
        FileVersion version = new FileVersion(Files.size(LIBSSL), 1);

        registry.processUses(new LibraryMapping(999_999_999, file, Path.of("/proc/999999999/root" + LIBSSL), version, LibraryKind.OPENSSL));
        assertThat(registry.attachFailures()).isEqualTo(1);
        assertThat(registry.snapshots()).singleElement().satisfies(library -> assertThat(library.attachError()).contains("No such file"));

        registry.processUses(new LibraryMapping((int) ProcessHandle.current().pid(), file, LIBSSL, version, LibraryKind.OPENSSL));
        assertThat(registry.snapshots()).singleElement().satisfies(library -> {
            assertThat(library.attachError()).isNull();
            assertThat(library.attached().probes()).containsExactly("SSL_read");
        });
        assertThat(registry.attachFailures()).as("the failure stays counted").isEqualTo(1);
    }
}
