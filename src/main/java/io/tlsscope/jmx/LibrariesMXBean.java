package io.tlsscope.jmx;

import java.util.List;

/**
 * io.tlsscope:type=Libraries — one line per attached library: inode, kind, version, layout, the
 * kernel's call counts (seen, captured, dropped, readFailed, failed), paths.
 */
public interface LibrariesMXBean {
    List<String> getLibraries();
}
