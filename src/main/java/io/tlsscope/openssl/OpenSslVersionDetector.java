package io.tlsscope.openssl;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the release of a TLS library from its own bytes: the version banner in .rodata of the
 * file itself (static builds, LibreSSL's libssl) or of the libcrypto it links (DT_NEEDED, looked
 * up in the same directory so /proc/PID/root/... paths keep working). Without a banner, the file
 * name's soname version names the release family only. The file belongs to a traced process: what
 * cannot be read fails with ElfException, and a DT_NEEDED name never leads out of the directory.
 */
public final class OpenSslVersionDetector {
    /** libssl.so.3, libssl.so.1.1, libssl.so.1.0.2: the soname version after ".so.". */
    private static final Pattern SONAME_VERSION = Pattern.compile("^lib(?:ssl|crypto)\\.so\\.(\\d+)(?:\\.(\\d+))?");

    private OpenSslVersionDetector() {
    }

    /**
     * What is known of a library's release.
     *
     * @param version  the banner's release; null when no banner was found
     * @param text     the banner, or the family the file name suggests ("OpenSSL 3.x"); null if nothing
     * @param evidence where the answer came from, for people
     */
    public record Detection(OpenSslVersion version, String text, String evidence) {
        public Optional<OpenSslVersion> exact() {
            return Optional.ofNullable(version);
        }
    }

    public static Detection detect(Path library) {
        try (ElfBinary elf = ElfBinary.open(library)) {
            return detect(elf);
        } catch (ElfException unreadable) {
            return fromFileName(library, "file unreadable (" + unreadable.getMessage() + ")");
        }
    }

    /** Same, for a library already parsed; fails when its .rodata or .dynamic cannot be read. */
    public static Detection detect(ElfBinary elf) throws ElfException {
        Path library = elf.path();
        Optional<OpenSslVersion> own = banner(elf);
        if (own.isPresent()) {
            return found(own.get(), "version banner in .rodata of " + library);
        }
        Path directory = library.toAbsolutePath().getParent();
        for (String needed : elf.neededLibraries()) {
            // a plain file name beside the library: a name from the file must not lead elsewhere
            if (!needed.startsWith("libcrypto") || needed.contains("/")) {
                continue;
            }
            Path candidate = directory.resolve(needed);
            if (Files.isRegularFile(candidate)) {
                try (ElfBinary libcrypto = ElfBinary.open(candidate)) {
                    Optional<OpenSslVersion> linked = banner(libcrypto);
                    if (linked.isPresent()) {
                        return found(linked.get(), "version banner in .rodata of " + candidate + " (DT_NEEDED of "
                                + library.getFileName() + ")");
                    }
                } catch (ElfException unreadable) {
                    // try the next DT_NEEDED entry, then the file name
                }
            }
        }
        return fromFileName(library, "no version banner in the file or its libcrypto");
    }

    private static Detection found(OpenSslVersion version, String evidence) {
        return new Detection(version, version.text(), evidence);
    }

    private static Detection fromFileName(Path library, String why) {
        String name = library.getFileName().toString();
        Matcher soname = SONAME_VERSION.matcher(name);
        if (!soname.find()) {
            return new Detection(null, null, why + "; file name " + name + " names no release");
        }
        String family = soname.group(2) == null ? soname.group(1) + ".x" : soname.group(1) + "." + soname.group(2) + ".x";
        return new Detection(null, "OpenSSL " + family, why + "; file name " + name + " suggests the " + family + " family");
    }

    private static Optional<OpenSslVersion> banner(ElfBinary elf) throws ElfException {
        return OpenSslVersion.bestOf(elf.findInReadOnlyData(OpenSslVersion.CANDIDATE));
    }
}
