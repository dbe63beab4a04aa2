package io.tlsscope.discovery;

/**
 * One file-backed line of /proc/PID/maps.
 *
 * @param addressRange "start-end" in hex, the name of the entry in /proc/PID/map_files
 * @param path         the path as the process sees it (its own mount namespace)
 * @param deleted      the kernel marked the path " (deleted)"
 */
public record MappedFile(String addressRange, String permissions, LibraryKey key, String path, boolean deleted) {
}
