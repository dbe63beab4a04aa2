package io.tlsscope.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real OpenSSL release to run programs against: the system's, or one unpacked from Debian's
 * archive by scripts/openssl-libs.sh (never installed). A release that brings its own glibc
 * (newer than the system's) runs programs through its own dynamic loader.
 *
 * @param root   the unpacked tree ("/" for the system)
 * @param libssl the libssl.so.N file
 */
public record OpenSslRelease(String name, String debianVersion, Path root, Path libssl) {
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    /** The system's libssl 3.0 and the releases the fetch script provides (1.1.1, 3.5). */
    public static List<OpenSslRelease> all() {
        List<OpenSslRelease> releases = new ArrayList<>();
        releases.add(new OpenSslRelease("system", "system", Path.of("/"), SYSTEM_LIBSSL));
        String listing = Commands.run(List.of("scripts/openssl-libs.sh", "fetch"));
        for (String line : listing.strip().split("\n")) {
            String[] fields = line.split(" ");
            releases.add(new OpenSslRelease(fields[0], fields[1], Path.of(fields[2]), Path.of(fields[3])));
        }
        return releases;
    }

    /** The release's own openssl command-line program. */
    public Path opensslProgram() {
        return root.resolve("usr/bin/openssl");
    }

    /** A process builder running program with this release's libraries. */
    public ProcessBuilder processBuilder(Path program, String... arguments) {
        Path libraries = libssl.getParent();
        Path ownLoader = root.resolve("usr/lib64/ld-linux-x86-64.so.2");
        List<String> command = new ArrayList<>();
        ProcessBuilder builder = new ProcessBuilder(command);
        if (root.equals(Path.of("/"))) {
            command.add(program.toString());
        } else if (Files.exists(ownLoader)) {
            command.addAll(List.of(ownLoader.toString(), "--library-path", libraries.toString(), program.toString()));
        } else {
            command.add(program.toString());
            builder.environment().put("LD_LIBRARY_PATH", libraries.toString());
        }
        Stream.of(arguments).forEach(command::add);
        return builder;
    }
}
