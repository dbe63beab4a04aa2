package io.tlsscope.discovery;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether an executable carries OpenSSL itself (statically linked: it exports or defines
 * SSL_read and SSL_write, as Node.js does). Each file version is parsed once; the answer is
 * remembered, so an exec storm of the same binaries costs one ELF read, and a new file that got a
 * deleted file's inode number is read afresh.
 */
public final class ExecutableClassifier {
    /** Bound on remembered inodes; past it the memory starts over (a re-read is only slower). */
    private static final int MAX_REMEMBERED = 8192;

    private record Identity(LibraryKey key, FileVersion version) {
    }

    private final Map<Identity, Boolean> carriesOpenSsl = new ConcurrentHashMap<>();

    public boolean carriesOpenSsl(LibraryKey key, FileVersion version, Path openPath) {
        Identity identity = new Identity(key, version);
        Boolean known = carriesOpenSsl.get(identity);
        if (known != null) {
            return known;
        }
        boolean answer = readSymbols(openPath);
        if (carriesOpenSsl.size() >= MAX_REMEMBERED) {
            carriesOpenSsl.clear();
        }
        carriesOpenSsl.put(identity, answer);
        return answer;
    }

    private static boolean readSymbols(Path openPath) {
        try (ElfBinary elf = ElfBinary.open(openPath)) {
            return elf.symbolFileOffset("SSL_read").isPresent() && elf.symbolFileOffset("SSL_write").isPresent();
        } catch (ElfException unreadable) {
            return false; // not ELF (a script's interpreter is what maps), or gone
        }
    }
}
