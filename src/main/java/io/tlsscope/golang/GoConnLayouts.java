package io.tlsscope.golang;

import io.tlsscope.config.DataResource;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Go connection layouts shipped with tlsscope (resource golang/conn-offsets.json). */
public final class GoConnLayouts {
    private static final String RESOURCE = "/golang/conn-offsets.json";
    /** At most four digits each: the version comes from the binary, and parseInt must not overflow. */
    private static final Pattern RELEASE = Pattern.compile("^(?:go)?(\\d{1,4})\\.(\\d{1,4})(?!\\d)");
    private static final GoConnLayouts BUILT_IN = load();

    private record LayoutFile(String description, List<GoConnLayout> layouts) {
    }

    private final List<GoConnLayout> layouts;

    private GoConnLayouts(List<GoConnLayout> layouts) {
        this.layouts = List.copyOf(layouts);
    }

    public static GoConnLayouts builtIn() {
        return BUILT_IN;
    }

    private static GoConnLayouts load() {
        return new GoConnLayouts(DataResource.read(RESOURCE, LayoutFile.class).layouts());
    }

    /** The layout for a toolchain version such as "go1.19.8"; empty when none is known for it. */
    public Optional<GoConnLayout> forVersion(String goVersion) {
        Optional<int[]> release = release(goVersion);
        if (release.isEmpty()) {
            return Optional.empty();
        }
        Comparator<int[]> order = Comparator.<int[]>comparingInt(version -> version[0]).thenComparingInt(version -> version[1]);
        return layouts.stream().filter(layout -> order.compare(release.get(), release(layout.minGo()).orElseThrow()) >= 0
                && order.compare(release.get(), release(layout.maxGoExclusive()).orElseThrow()) < 0).findFirst();
    }

    private static Optional<int[]> release(String version) {
        Matcher matcher = RELEASE.matcher(version);
        return matcher.find() ? Optional.of(new int[] {Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))})
                : Optional.empty();
    }
}
