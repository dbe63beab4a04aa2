package io.tlsscope.openssl;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the OpenSSL version of a library from its own bytes: the version banner in .rodata of
 * the file itself (static builds) or, as for libssl, of the libcrypto it links (DT_NEEDED),
 * looked up in the same directory so that /proc/PID/root/... paths keep working.
 */
public final class OpenSslVersionDetector {

    /** The version and the file whose .rodata held its banner. */
    public record DetectedVersion(OpenSslVersion version, Path foundIn) {
    }

    private OpenSslVersionDetector() {
    }

    public static Optional<DetectedVersion> detect(Path library) {
        try {
            return detect(ElfBinary.open(library));
        } catch (ElfException unreadable) {
            return Optional.empty();
        }
    }

    /** Same, for a library already parsed. */
    public static Optional<DetectedVersion> detect(ElfBinary elf) {
        Path library = elf.path();
        Optional<DetectedVersion> own = banner(elf);
        if (own.isPresent()) {
            return own;
        }
        Path directory = library.toAbsolutePath().getParent();
        for (String needed : elf.neededLibraries()) {
            Path candidate = directory.resolve(needed);
            if (needed.startsWith("libcrypto") && Files.isRegularFile(candidate)) {
                try {
                    Optional<DetectedVersion> linked = banner(ElfBinary.open(candidate));
                    if (linked.isPresent()) {
                        return linked;
                    }
                } catch (ElfException unreadable) {
                    // try the next DT_NEEDED entry
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<DetectedVersion> banner(ElfBinary elf) {
        return elf.findInReadOnlyData(OpenSslVersion.BANNER)
                .flatMap(OpenSslVersion::parse)
                .map(version -> new DetectedVersion(version, elf.path()));
    }
}
