package io.tlsscope.golang;

import io.tlsscope.elf.ElfBinary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Go's own function table, the pclntab, which stays in binaries built with -ldflags="-s -w" or run
 * through strip (the runtime needs it for stack traces). Four header formats, by magic (Go's
 * runtime/symtab.go and debug/gosym): 0xfffffffb (Go 1.2-1.15), 0xfffffffa (1.16-1.17),
 * 0xfffffff0 (1.18-1.19), 0xfffffff1 (1.20+). Found as the .gopclntab section or, where an external
 * linker merged it into .data.rel.ro or .rodata (cgo builds such as Docker's CLI), by its header.
 */
public final class GoFunctionTable {
    /**
     * A function's entry address and the next function's: the extent includes the alignment
     * padding (INT3) after the code, which .symtab's size leaves out.
     */
    public record Function(String name, long entry, long end) {
    }

    private enum Format {
        GO_1_2(0xfffffffbL, "1.2"), GO_1_16(0xfffffffaL, "1.16"), GO_1_18(0xfffffff0L, "1.18"), GO_1_20(0xfffffff1L, "1.20");

        final long magic;
        final String name;

        Format(long magic, String name) {
            this.magic = magic;
            this.name = name;
        }

        static Optional<Format> of(long magic) {
            for (Format format : values()) {
                if (format.magic == magic) {
                    return Optional.of(format);
                }
            }
            return Optional.empty();
        }
    }

    private final ByteBuffer table;
    private final Format format;
    private final String foundIn;
    private final int nfunc;
    private final long textStart;
    private final int funcnameOffset;
    private final int pclnOffset;

    private GoFunctionTable(ByteBuffer table, Format format, String foundIn) {
        this.table = table;
        this.format = format;
        this.foundIn = foundIn;
        this.nfunc = (int) table.getLong(8);
        switch (format) {
            case GO_1_18, GO_1_20 -> {
                textStart = table.getLong(24);
                funcnameOffset = (int) table.getLong(32);
                pclnOffset = (int) table.getLong(64);
            }
            case GO_1_16 -> {
                textStart = 0;
                funcnameOffset = (int) table.getLong(24);
                pclnOffset = (int) table.getLong(56);
            }
            default -> {
                textStart = 0;
                funcnameOffset = 0;
                pclnOffset = 16;
            }
        }
    }

    /** The table of a 64-bit little-endian Go binary, if it has one. */
    public static Optional<GoFunctionTable> find(ElfBinary elf) {
        Optional<ElfBinary.Section> text = elf.section(".text");
        for (String name : List.of(".gopclntab", ".data.rel.ro", ".rodata")) {
            Optional<ElfBinary.Section> section = elf.section(name);
            if (section.isEmpty() || section.get().size() < 64 || section.get().size() > Integer.MAX_VALUE) {
                continue;
            }
            ByteBuffer data = ByteBuffer.wrap(elf.bytes(section.get().fileOffset(), (int) section.get().size()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            // the table is pointer-aligned wherever the linker put it
            int step = name.equals(".gopclntab") ? Integer.MAX_VALUE : 8;
            for (int position = 0; position + 64 <= data.limit(); position += step) {
                Optional<Format> format = plausibleHeader(data, position, text);
                if (format.isPresent()) {
                    ByteBuffer table = data.slice(position, data.limit() - position).order(ByteOrder.LITTLE_ENDIAN);
                    return Optional.of(new GoFunctionTable(table, format.get(), name));
                }
            }
        }
        return Optional.empty();
    }

    /** Magic, two zero bytes, an x86 PC quantum of 1, 8-byte pointers, and (1.18+) text inside .text. */
    private static Optional<Format> plausibleHeader(ByteBuffer data, int position, Optional<ElfBinary.Section> text) {
        Optional<Format> format = Format.of(Integer.toUnsignedLong(data.getInt(position)));
        if (format.isEmpty() || data.get(position + 4) != 0 || data.get(position + 5) != 0
                || data.get(position + 6) != 1 || data.get(position + 7) != 8) {
            return Optional.empty();
        }
        long functions = data.getLong(position + 8);
        if (functions <= 0 || functions > 10_000_000) {
            return Optional.empty();
        }
        if ((format.get() == Format.GO_1_18 || format.get() == Format.GO_1_20)
                && text.isPresent() && !text.get().contains(data.getLong(position + 24))) {
            return Optional.empty();
        }
        return format;
    }

    /** "1.20": which table format the binary carries. */
    public String format() {
        return format.name;
    }

    /** Section the table was found in. */
    public String foundIn() {
        return foundIn;
    }

    /** The function of that exact name (e.g. "crypto/tls.(*Conn).Read"), with its extent. */
    public Optional<Function> function(String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int index = 0; index < nfunc; index++) {
            if (nameMatches(nameOffset(index), wanted)) {
                return Optional.of(new Function(name, entry(index), entry(index + 1)));
            }
        }
        return Optional.empty();
    }

    private boolean nameMatches(int offset, byte[] wanted) {
        if (offset < 0 || offset + wanted.length >= table.limit()) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (table.get(offset + i) != wanted[i]) {
                return false;
            }
        }
        return table.get(offset + wanted.length) == 0;
    }

    /** Entry address of function index (index nfunc: the end of the last function). */
    private long entry(int index) {
        return switch (format) {
            case GO_1_18, GO_1_20 -> textStart + Integer.toUnsignedLong(table.getInt(pclnOffset + index * 8));
            default -> table.getLong(pclnOffset + index * 16);
        };
    }

    /** Offset in the table of the function's NUL-terminated name. */
    private int nameOffset(int index) {
        return switch (format) {
            case GO_1_18, GO_1_20 -> {
                int funcData = pclnOffset + table.getInt(pclnOffset + index * 8 + 4);
                yield funcnameOffset + table.getInt(funcData + 4);
            }
            case GO_1_16 -> {
                int funcData = pclnOffset + (int) table.getLong(pclnOffset + index * 16 + 8);
                yield funcnameOffset + table.getInt(funcData + 8);
            }
            default -> {
                int funcData = (int) table.getLong(pclnOffset + index * 16 + 8);
                yield table.getInt(funcData + 8);
            }
        };
    }
}
