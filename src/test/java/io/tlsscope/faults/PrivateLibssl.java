package io.tlsscope.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A private copy of the system libssl (with its libcrypto) in a directory of its own, which processes
 * started through {@link #launcher()} load through LD_LIBRARY_PATH: no other process on the host
 * shares its inode, so a test can upgrade it on disk without touching anyone else's.
 */
final class PrivateLibssl {
    private static final Path SYSTEM_LIBS = Path.of("/usr/lib/x86_64-linux-gnu");

    private final Path directory;
    private final Path libssl;

    private PrivateLibssl(Path directory) {
        this.directory = directory;
        this.libssl = directory.resolve("libssl.so.3");
    }

    static PrivateLibssl copyInto(Path parent) throws IOException {
        PrivateLibssl copy = new PrivateLibssl(Files.createDirectory(parent.resolve("lib")));
        Files.copy(SYSTEM_LIBS.resolve("libssl.so.3"), copy.libssl);
        Files.copy(SYSTEM_LIBS.resolve("libcrypto.so.3"), copy.directory.resolve("libcrypto.so.3"));
        return copy;
    }

    /** A command prefix that runs a program with this libssl. */
    List<String> launcher() {
        return List.of("/usr/bin/env", "LD_LIBRARY_PATH=" + directory);
    }

    /** The inode the path holds now. */
    long inode() throws IOException {
        return (Long) Files.readAttributes(libssl, "unix:ino").get("ino");
    }

    /**
     * Upgrades the library the way dpkg and rpm do: the new file is written beside the old one and
     * renamed over its path. Processes that map the old inode keep it, now deleted.
     */
    void replaceAsAnUpgradeDoes() throws IOException {
        Path upgrade = Files.copy(SYSTEM_LIBS.resolve("libssl.so.3"), directory.resolve("libssl.so.3.dpkg-new"));
        Files.move(upgrade, libssl, StandardCopyOption.ATOMIC_MOVE);
    }
}
