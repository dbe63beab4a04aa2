package io.tlsscope.elf;

/** An ELF file could not be read; the message names the file and the reason. */
public final class ElfException extends RuntimeException {
    public ElfException(String message) {
        super(message);
    }

    public ElfException(String message, Throwable cause) {
        super(message, cause);
    }
}
