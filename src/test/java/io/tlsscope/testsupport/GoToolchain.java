package io.tlsscope.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Go toolchain on this machine (Debian's golang-1.19-go), building the test fixtures. */
public record GoToolchain(String version, Path goCommand) {
    public static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    public static GoToolchain debian119() {
        return new GoToolchain("1.19", Path.of("/usr/lib/go-1.19/bin/go"));
    }

    /**
     * Builds the package in fixtures/NAME into output; stripped means `-ldflags=-s -w` (no .symtab,
     * no DWARF), as release builds are.
     */
    public Path build(String name, Path output, boolean stripped) throws Exception {
        Path work = Files.createDirectories(output.getParent().resolve(".go-" + version));
        List<String> command = new ArrayList<>(List.of("env", "GOCACHE=" + work.resolve("cache"), "GOPATH=" + work.resolve("path"),
                "HOME=" + work, "GOFLAGS=-mod=mod", "CGO_ENABLED=0", goCommand.toString(), "build", "-o", output.toString()));
        if (stripped) {
            command.add("-ldflags=-s -w");
        }
        command.add(FIXTURES.resolve(name).resolve("main.go").toAbsolutePath().toString());
        Commands.run(command);
        return output;
    }
}
