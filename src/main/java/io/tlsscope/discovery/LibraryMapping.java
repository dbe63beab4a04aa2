package io.tlsscope.discovery;

import java.nio.file.Path;

/**
 * A TLS library mapped by a process, with a path this service can open to reach the same inode
 * (through /proc/PID/root or /proc/PID/map_files, so other mount namespaces work too).
 */
public record LibraryMapping(int pid, MappedFile file, Path openPath, FileVersion version, LibraryKind kind) {
    public LibraryKey key() {
        return file.key();
    }
}
