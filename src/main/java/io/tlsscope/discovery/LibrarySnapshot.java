package io.tlsscope.discovery;

import java.util.List;

/**
 * One library inode as the registry knows it at one moment: immutable, safe to read from any thread.
 *
 * @param attached     what the attacher found and probed; null when not attached (failed, or switched off)
 * @param attachError  why the last attach failed; null otherwise
 * @param hooksEnabled false while an operator has switched this library's probes off (Go hooks)
 * @param probesOff    why the library has no probes by an operator's choice (Go hooks off, or no process in
 *                     scope uses it); null when it is probed, failed to attach, or is on its way to either
 */
public record LibrarySnapshot(int id, LibraryKey key, LibraryKind kind, List<String> paths, List<Integer> pids,
                              LibraryAttacher.AttachedLibrary attached, String attachError, boolean hooksEnabled,
                              String probesOff) {
}
