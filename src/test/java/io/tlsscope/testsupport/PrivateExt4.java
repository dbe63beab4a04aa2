package io.tlsscope.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small ext4 filesystem of the test's own (a sparse image, loop-mounted), so inode numbers are
 * allocated by nothing but the test: on a shared filesystem, other processes may take a freed inode
 * number first.
 */
public final class PrivateExt4 implements AutoCloseable {
    private final Path image;
    private final Path mountPoint;

    private PrivateExt4(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    public static PrivateExt4 create(Path directory, String size) throws Exception {
        Path image = directory.resolve("private.ext4");
        Path mountPoint = Files.createDirectories(directory.resolve("mnt"));
        Commands.run(List.of("truncate", "-s", size, image.toString()));
        Commands.run(List.of("mkfs.ext4", "-q", "-F", image.toString()));
        Commands.run(List.of("mount", "-o", "loop", image.toString(), mountPoint.toString()));
        return new PrivateExt4(image, mountPoint);
    }

    public Path root() {
        return mountPoint;
    }

    /** Unmounts (lazily, should a process still hold a file) and deletes the image. */
    @Override
    public void close() throws Exception {
        Commands.run(List.of("umount", "-l", mountPoint.toString()));
        Files.deleteIfExists(image);
    }
}
