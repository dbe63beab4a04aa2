package io.tlsscope.jmx;

import java.util.List;

/** io.tlsscope:type=Libraries — one line per attached library: inode, kind, version, layout, paths. */
public interface LibrariesMXBean {
    List<String> getLibraries();
}
