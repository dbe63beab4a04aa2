package io.tlsscope.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the running kernel's BTF names. A kernel function a BPF program may call (a kfunc) is in
 * the BTF string table by name, NUL-delimited; finding that string is enough to know the kernel
 * has it, without parsing the type graph (libbpf does that at load, and its verdict still decides).
 */
final class KernelBtf {
    private final Path btf;

    KernelBtf(Path btf) {
        this.btf = btf;
    }

    /** Whether the BTF names this function; false when the file cannot be read. */
    boolean names(String function) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(btf);
        } catch (IOException e) {
            return false;
        }
        byte[] wanted = ("\0" + function + "\0").getBytes(StandardCharsets.US_ASCII);
        return indexOf(bytes, wanted) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int start = 0; start <= haystack.length - needle.length; start++) {
            for (int i = 0; i < needle.length; i++) {
                if (haystack[start + i] != needle[i]) {
                    continue outer;
                }
            }
            return start;
        }
        return -1;
    }
}
