package io.tlsscope.discovery;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.golang.GoExecutable;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether an executable carries TLS code of its own: OpenSSL linked statically (it exports
 * or defines SSL_read and SSL_write, as Node.js does) or Go's crypto/tls. Each file version is
 * parsed once; the answer is remembered, so an exec storm of the same binaries costs one ELF read,
 * and a new file that got a deleted file's inode number is read afresh.
 */
public final class ExecutableClassifier {
    /** Bound on remembered inodes; past it the memory starts over (a re-read is only slower). */
    private static final int MAX_REMEMBERED = 8192;

    private record Identity(LibraryKey key, FileVersion version) {
    }

    private final Map<Identity, Optional<LibraryKind>> kinds = new ConcurrentHashMap<>();

    public Optional<LibraryKind> classify(LibraryKey key, FileVersion version, Path openPath) {
        Identity identity = new Identity(key, version);
        Optional<LibraryKind> known = kinds.get(identity);
        if (known != null) {
            return known;
        }
        Optional<LibraryKind> answer = read(openPath);
        if (kinds.size() >= MAX_REMEMBERED) {
            kinds.clear();
        }
        kinds.put(identity, answer);
        return answer;
    }

    private static Optional<LibraryKind> read(Path openPath) {
        try (ElfBinary elf = ElfBinary.open(openPath)) {
            if (elf.symbolFileOffset("SSL_read").isPresent() && elf.symbolFileOffset("SSL_write").isPresent()) {
                return Optional.of(LibraryKind.STATIC_OPENSSL);
            }
            return GoExecutable.inspect(elf)
                    .filter(go -> go.function(GoExecutable.READ).isPresent() && go.function(GoExecutable.WRITE).isPresent())
                    .map(go -> LibraryKind.GO);
        } catch (ElfException unreadable) {
            return Optional.empty(); // not ELF (a script's interpreter is what maps), gone, malformed or changed while read
        }
    }
}
