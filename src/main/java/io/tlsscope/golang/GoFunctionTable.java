package io.tlsscope.golang;

import io.tlsscope.elf.BoundedBytes;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
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

    /** Plausibility bound on the function count (a large binary has a few hundred thousand). */
    private static final long MAX_FUNCTIONS = 10_000_000;

    private final BoundedBytes table;
    private final Format format;
    private final String foundIn;
    private final int nfunc;
    private final long textStart;
    private final long funcnameOffset;
    private final long pclnOffset;

    private GoFunctionTable(BoundedBytes table, Format format, String foundIn) throws ElfException {
        this.table = table;
        this.format = format;
        this.foundIn = foundIn;
        switch (format) {
            case GO_1_18, GO_1_20 -> {
                textStart = table.u64(24);
                funcnameOffset = table.u64(32);
                pclnOffset = table.u64(64);
            }
            case GO_1_16 -> {
                textStart = 0;
                funcnameOffset = table.u64(24);
                pclnOffset = table.u64(56);
            }
            default -> {
                textStart = 0;
                funcnameOffset = 0;
                pclnOffset = 16;
            }
        }
        long functions = table.u64(8);
        // the function table holds nfunc entries and the end entry after them
        if (functions < 0 || pclnOffset < 0 || pclnOffset > table.length()
                || functions >= (table.length() - pclnOffset) / entrySize(format)) {
            throw table.malformed("pclntab " + format.name + " at offset 0x" + Long.toHexString(pclnOffset) + " cannot hold "
                    + functions + " functions in " + table.length() + " bytes");
        }
        this.nfunc = (int) functions;
    }

    /** The table of a 64-bit little-endian Go binary, if it has one. */
    public static Optional<GoFunctionTable> find(ElfBinary elf) throws ElfException {
        Optional<ElfBinary.Section> text = elf.section(".text");
        for (String name : List.of(".gopclntab", ".data.rel.ro", ".rodata")) {
            Optional<ElfBinary.Section> section = elf.section(name);
            if (section.isEmpty() || section.get().size() < 64) {
                continue;
            }
            BoundedBytes data = elf.sectionBytes(section.get());
            // the table is pointer-aligned wherever the linker put it
            int step = name.equals(".gopclntab") ? Integer.MAX_VALUE : 8;
            for (long position = 0; position + 64 <= data.length(); position += step) {
                Optional<Format> format = plausibleHeader(data, position, text);
                if (format.isPresent()) {
                    return Optional.of(new GoFunctionTable(data.slice(position, data.length() - position), format.get(), name));
                }
            }
        }
        return Optional.empty();
    }

    /** Magic, two zero bytes, an x86 PC quantum of 1, 8-byte pointers, and (1.18+) text inside .text. */
    private static Optional<Format> plausibleHeader(BoundedBytes data, long position, Optional<ElfBinary.Section> text)
            throws ElfException {
        Optional<Format> format = Format.of(data.u32(position));
        if (format.isEmpty() || data.u8(position + 4) != 0 || data.u8(position + 5) != 0
                || data.u8(position + 6) != 1 || data.u8(position + 7) != 8) {
            return Optional.empty();
        }
        long functions = data.u64(position + 8);
        if (functions <= 0 || functions > MAX_FUNCTIONS) {
            return Optional.empty();
        }
        if ((format.get() == Format.GO_1_18 || format.get() == Format.GO_1_20)
                && text.isPresent() && !text.get().contains(data.u64(position + 24))) {
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
    public Optional<Function> function(String name) throws ElfException {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int index = 0; index < nfunc; index++) {
            long nameOffset = nameOffset(index);
            if (nameOffset < 0 || nameOffset >= table.length()) {
                throw table.malformed("the name of function " + index + " is at 0x" + Long.toHexString(nameOffset)
                        + ", outside the pclntab's " + table.length() + " bytes");
            }
            if (table.cStringEquals(nameOffset, wanted)) {
                return Optional.of(new Function(name, entry(index), entry(index + 1)));
            }
        }
        return Optional.empty();
    }

    /** Bytes per function table entry: {entry offset, func offset} as uint32 (1.18+) or as uintptr. */
    private static int entrySize(Format format) {
        return format == Format.GO_1_18 || format == Format.GO_1_20 ? 8 : 16;
    }

    /** Entry address of function index (index nfunc: the end of the last function). */
    private long entry(int index) throws ElfException {
        long at = pclnOffset + (long) index * entrySize(format);
        return switch (format) {
            case GO_1_18, GO_1_20 -> textStart + table.u32(at);
            default -> table.u64(at);
        };
    }

    /** Offset in the table of the function's NUL-terminated name. */
    private long nameOffset(int index) throws ElfException {
        long at = pclnOffset + (long) index * entrySize(format);
        return switch (format) {
            case GO_1_18, GO_1_20 -> funcnameOffset + table.s32(pclnOffset + table.u32(at + 4) + 4);
            case GO_1_16 -> funcnameOffset + table.s32(pclnOffset + table.u64(at + 8) + 8);
            default -> table.s32(table.u64(at + 8) + 8);
        };
    }
}
