package io.tlsscope.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Go toolchain building the test fixtures: Debian's golang-1.19-go (installed), or 1.21 and 1.23
 * from bookworm-backports (unpacked into the cache by scripts/go-toolchains.sh, run with GOROOT).
 *
 * @param goRoot null for the installed toolchain, which knows its own
 */
public record GoToolchain(String version, Path goCommand, Path goRoot) {
    public static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    public static GoToolchain debian119() {
        return new GoToolchain("1.19", Path.of("/usr/lib/go-1.19/bin/go"), null);
    }

    /** 1.19, 1.21 and 1.23. */
    public static List<GoToolchain> all() {
        List<GoToolchain> toolchains = new ArrayList<>(List.of(debian119()));
        for (String line : Commands.run(List.of("scripts/go-toolchains.sh", "fetch")).strip().split("\n")) {
            String[] fields = line.split(" ");
            Path root = Path.of(fields[2]);
            toolchains.add(new GoToolchain(fields[0].substring("go-".length()), root.resolve("bin/go"), root));
        }
        return toolchains;
    }

    /**
     * Builds the package in fixtures/NAME into output; stripped means `-ldflags=-s -w` (no .symtab,
     * no DWARF), as release builds are. GOTOOLCHAIN=local: never download another toolchain.
     */
    public Path build(String name, Path output, boolean stripped) throws Exception {
        Path work = Files.createDirectories(output.getParent().resolve(".go-" + version));
        // the build cache outlives the test: the standard library is compiled once per toolchain
        String cacheRoot = System.getenv().getOrDefault("TLSSCOPE_CACHE", System.getProperty("user.home") + "/.cache/tlsscope");
        Path buildCache = Files.createDirectories(Path.of(cacheRoot, "go-build-cache", version));
        List<String> command = new ArrayList<>(List.of("env", "GOCACHE=" + buildCache, "GOPATH=" + work.resolve("path"),
                "HOME=" + work, "GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOTOOLCHAIN=local"));
        if (goRoot != null) {
            command.add("GOROOT=" + goRoot);
        }
        command.addAll(List.of(goCommand.toString(), "build", "-o", output.toString()));
        if (stripped) {
            command.add("-ldflags=-s -w");
        }
        command.add(FIXTURES.resolve(name).resolve("main.go").toAbsolutePath().toString());
        Commands.run(command);
        return output;
    }

    @Override
    public String toString() {
        return "Go " + version;
    }
}
