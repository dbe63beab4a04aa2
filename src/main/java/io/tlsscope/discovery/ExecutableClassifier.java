package io.tlsscope.discovery;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells whether an executable carries OpenSSL itself (statically linked: it exports or defines
 * SSL_read and SSL_write, as Node.js does). Each inode is parsed once; the answer is remembered,
 * so an exec storm of the same binaries costs one ELF read.
 */
public final class ExecutableClassifier {
    /** Bound on remembered inodes; past it the memory starts over (a re-read is only slower). */
    private static final int MAX_REMEMBERED = 8192;

    private final Map<LibraryKey, Boolean> carriesOpenSsl = new ConcurrentHashMap<>();

    public boolean carriesOpenSsl(LibraryKey key, Path openPath) {
        Boolean known = carriesOpenSsl.get(key);
        if (known != null) {
            return known;
        }
        boolean answer = readSymbols(openPath);
        if (carriesOpenSsl.size() >= MAX_REMEMBERED) {
            carriesOpenSsl.clear();
        }
        carriesOpenSsl.put(key, answer);
        return answer;
    }

    private static boolean readSymbols(Path openPath) {
        try {
            ElfBinary elf = ElfBinary.open(openPath);
            return elf.symbolFileOffset("SSL_read").isPresent() && elf.symbolFileOffset("SSL_write").isPresent();
        } catch (ElfException unreadable) {
            return false; // not ELF (a script's interpreter is what maps), or gone
        }
    }
}
