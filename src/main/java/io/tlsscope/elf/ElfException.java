package io.tlsscope.elf;

/**
 * A library or executable could not be read: missing, not a 64-bit little-endian ELF file,
 * malformed, or truncated or rewritten while it was read. The files are controlled by the traced
 * processes (and read as root), so every parser of them fails with this one checked type and a
 * message naming the file and the reason; callers decide what a file they cannot read means.
 */
public final class ElfException extends Exception {
    public ElfException(String message) {
        super(message);
    }

    public ElfException(String message, Throwable cause) {
        super(message, cause);
    }
}
