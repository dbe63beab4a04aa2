package io.tlsscope.testsupport;

import java.nio.file.Path;
import java.util.List;

/** Node.js releases from the npm registry (scripts/node-binaries.sh keeps them in a cache folder). */
public final class NodeBinaries {
    private NodeBinaries() {
    }

    /** The node executable of that release, downloaded on first use. */
    public static Path fetch(String version) {
        return Path.of(Commands.run(List.of("scripts/node-binaries.sh", "fetch", version)).strip());
    }
}
