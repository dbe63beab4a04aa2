package io.tlsscope.openssl;

import io.tlsscope.config.DataResource;
import java.util.List;
import java.util.Optional;

/**
 * The known struct layouts (resource openssl/layouts.json, each number with its source) and
 * which applies to a library. A layout's position in the file is its index in the kernel's table.
 */
public final class OpenSslLayouts {
    private static final String RESOURCE = "/openssl/layouts.json";
    private static final OpenSslLayouts BUILT_IN = load();

    private record LayoutFile(String description, List<OpenSslLayout> layouts) {
    }

    private final List<OpenSslLayout> layouts;

    private OpenSslLayouts(List<OpenSslLayout> layouts) {
        this.layouts = List.copyOf(layouts);
    }

    /** The layouts shipped with tlsscope. */
    public static OpenSslLayouts builtIn() {
        return BUILT_IN;
    }

    private static OpenSslLayouts load() {
        OpenSslLayouts loaded = new OpenSslLayouts(DataResource.read(RESOURCE, LayoutFile.class).layouts());
        loaded.layouts.forEach(layout -> layout.ranges().forEach(range -> {
            OpenSslVersion.number(range.min());
            OpenSslVersion.number(range.maxExclusive());
        }));
        return loaded;
    }

    /** The layout whose [min, maxExclusive) range holds version; only for OpenSSL and quictls. */
    public Optional<OpenSslLayout> forVersion(OpenSslVersion version) {
        if (!version.family().hasOpenSslLayouts()) {
            return Optional.empty();
        }
        return layouts.stream().filter(layout -> layout.covers(version)).findFirst();
    }

    /** What the kernel should try for a library whose release detection found this. */
    public LayoutChoice choose(OpenSslVersionDetector.Detection detection) {
        if (detection.version() == null) {
            return new LayoutChoice(null, LayoutChoice.Source.SCAN, "release unknown (" + detection.evidence()
                    + "): every layout is tried, the first naming a TCP socket of the process wins");
        }
        OpenSslVersion version = detection.version();
        if (!version.family().hasOpenSslLayouts()) {
            return new LayoutChoice(null, LayoutChoice.Source.OFF, version.family().jsonName() + " " + version.number()
                    + " is not OpenSSL, so no OpenSSL struct layout applies: the fd comes from the nested syscall or SSL_set_fd");
        }
        return forVersion(version)
                .map(layout -> new LayoutChoice(layout, LayoutChoice.Source.DETECTED, version.family().jsonName() + " "
                        + version.number() + " (" + detection.evidence() + ") is in " + layout.rangeText()))
                .orElseGet(() -> new LayoutChoice(null, LayoutChoice.Source.SCAN, "no layout known for "
                        + version.number() + ": every layout is tried, the first naming a TCP socket of the process wins"));
    }

    public List<OpenSslLayout> all() {
        return layouts;
    }

    public Optional<OpenSslLayout> byName(String name) {
        return layouts.stream().filter(layout -> layout.name().equals(name)).findFirst();
    }

    /** Index of a layout in the kernel's layout table. */
    public int indexOf(OpenSslLayout layout) {
        int index = layouts.indexOf(layout);
        if (index < 0) {
            throw new IllegalArgumentException("layout " + layout.name() + " is not a known layout");
        }
        return index;
    }

    /** The layout at a kernel table index, if any. */
    public Optional<OpenSslLayout> atIndex(int index) {
        return index >= 0 && index < layouts.size() ? Optional.of(layouts.get(index)) : Optional.empty();
    }
}
