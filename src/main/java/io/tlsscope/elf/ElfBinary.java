package io.tlsscope.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ELF file as uprobes need it: sections, PT_LOAD segments, function symbols and a symbol's
 * FILE offset (its virtual address mapped back through the segment that holds it), notes and
 * DT_NEEDED. 64-bit little-endian files only (x86-64, what the kernel programs are built for).
 *
 * <p>The files belong to the traced processes (also inside containers) and are read as root, so
 * nothing read from them is trusted: every offset, size and count is checked against the file's
 * size before it is used, and every failure, including a file truncated or rewritten while it is
 * read, is an {@link ElfException} naming the file and the reason. The bytes are read with
 * positional reads into the heap, only the parts asked for, never through a mapping: a mapped file
 * that shrinks raises SIGBUS, which the JVM turns into an asynchronous InternalError at some later
 * point of the reading thread (docs/design.md, "Reading files the traced processes control").
 *
 * <p>Headers are read when the file is opened; sections and symbols on demand. Not thread-safe.
 */
public final class ElfBinary implements AutoCloseable {
    private static final int ELF_HEADER = 64;
    private static final int SECTION_HEADER = 64;
    private static final int PROGRAM_HEADER = 56;
    private static final int SYMBOL = 24;
    private static final int DYNAMIC_ENTRY = 16;
    private static final int NOTE_HEADER = 12;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ET_DYN = 3;
    private static final int PT_LOAD = 1;
    private static final int PT_INTERP = 3;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_STRTAB = 3;
    private static final int SHT_DYNAMIC = 6;
    private static final int SHT_NOTE = 7;
    private static final int SHT_NOBITS = 8;
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    private static final int SHN_UNDEF = 0;
    /** e_shstrndx escape: the real index is in section 0's sh_link (likewise e_shnum 0 and e_phnum 0xffff). */
    private static final int SHN_XINDEX = 0xffff;
    private static final int PN_XNUM = 0xffff;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final int NT_GNU_BUILD_ID = 3;
    private static final int READ_STEP = 1 << 20;
    /** Java arrays end a little below 2 GiB. */
    private static final long MAX_READ = Integer.MAX_VALUE - 8;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final boolean positionIndependent;
    private final boolean hasInterpreter;
    private final List<Section> sections;
    private final List<Segment> loadSegments;
    private SymbolTable dynamicSymbols;
    private SymbolTable staticSymbols;

    /**
     * A section's place in memory and in the file, its header fields as in Elf64_Shdr; flags as in
     * sh_flags (SHF_COMPRESSED is 0x800).
     */
    public record Section(String name, int type, long flags, long address, long fileOffset, long size, int link,
                          int info, long alignment, long entrySize) {
        public boolean contains(long virtualAddress) {
            return virtualAddress >= address && virtualAddress - address < size;
        }

        boolean hasFileBytes() {
            return type != SHT_NOBITS;
        }
    }

    /** A defined function symbol: its virtual address and size. */
    public record Symbol(String name, long address, long size) {
    }

    private record Segment(long fileOffset, long address, long fileSize) {
    }

    /** .dynsym or .symtab with the string table its sh_link names. */
    private record SymbolTable(BoundedBytes entries, BoundedBytes names) {
    }

    private ElfBinary(Path path, FileChannel channel) throws ElfException, IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        BoundedBytes header = read(0, Math.min(size, ELF_HEADER), "ELF header");
        if (header.length() < 16 || header.u8(0) != 0x7f || header.u8(1) != 'E' || header.u8(2) != 'L' || header.u8(3) != 'F') {
            throw fail("not an ELF file (no ELF magic in its " + size + " bytes)");
        }
        if (header.u8(4) != ELFCLASS64 || header.u8(5) != ELFDATA2LSB) {
            throw fail("not a 64-bit little-endian ELF file (class " + header.u8(4) + ", data " + header.u8(5) + ")");
        }
        if (header.length() < ELF_HEADER) {
            throw fail("ELF header cut short: the file has " + size + " bytes");
        }
        positionIndependent = header.u16(16) == ET_DYN;
        long sectionTable = header.u64(40);
        int sectionCount = header.u16(60);
        int namesIndex = header.u16(62);
        int segmentCount = header.u16(56);
        if (sectionTable != 0) {
            checkEntrySize("section", header.u16(58), SECTION_HEADER);
            Section zero = sectionHeader(read(sectionTable, SECTION_HEADER, "section header 0"), 0, "");
            sectionCount = sectionCount == 0 ? fitting(zero.size(), SECTION_HEADER, "sections") : sectionCount;
            namesIndex = namesIndex == SHN_XINDEX ? zero.link() : namesIndex;
            segmentCount = segmentCount == PN_XNUM ? zero.info() : segmentCount;
            sections = sections(read(sectionTable, (long) sectionCount * SECTION_HEADER, "section header table"),
                    sectionCount, namesIndex);
        } else {
            sections = List.of();
        }
        long segmentTable = header.u64(32);
        List<Segment> loads = new ArrayList<>();
        boolean interpreter = false;
        if (segmentTable != 0 && segmentCount != 0) {
            checkEntrySize("program", header.u16(54), PROGRAM_HEADER);
            BoundedBytes programHeaders = read(segmentTable, (long) fitting(segmentCount, PROGRAM_HEADER, "segments")
                    * PROGRAM_HEADER, "program header table");
            for (int i = 0; i < segmentCount; i++) {
                long at = (long) i * PROGRAM_HEADER;
                long type = programHeaders.u32(at);
                interpreter |= type == PT_INTERP;
                if (type == PT_LOAD) {
                    Segment segment = new Segment(programHeaders.u64(at + 8), programHeaders.u64(at + 16), programHeaders.u64(at + 32));
                    checkInFile(segment.fileOffset(), segment.fileSize(), "PT_LOAD segment " + i);
                    loads.add(segment);
                }
            }
        }
        hasInterpreter = interpreter;
        loadSegments = List.copyOf(loads);
    }

    /**
     * Opens the file and reads its headers; the file stays open (its inode alive) until
     * {@link #close()}.
     */
    public static ElfBinary open(Path path) throws ElfException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ElfException("read ELF " + path + ": no such file", e);
        } catch (IOException e) {
            throw new ElfException("read ELF " + path + ": " + e.getMessage(), e);
        }
        try {
            return new ElfBinary(path, channel);
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw new ElfException("read ELF " + path + ": " + e.getMessage(), e);
        } catch (ElfException | RuntimeException e) {
            closeAfterFailure(channel, e);
            throw e;
        }
    }

    private static void closeAfterFailure(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException closing) {
            failure.addSuppressed(closing);
        }
    }

    /** Closes the file; nothing may be read afterwards. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a read-only file: nothing was written that closing could lose
        }
    }

    public Path path() {
        return path;
    }

    /** ET_DYN: a shared object or a position-independent executable. */
    public boolean isPositionIndependent() {
        return positionIndependent;
    }

    /** ET_DYN without an interpreter (PT_INTERP): a library, not a PIE executable. */
    public boolean isSharedObject() {
        return positionIndependent && !hasInterpreter;
    }

    /** File offset of a defined function symbol, from .dynsym first, then .symtab. */
    public OptionalLong symbolFileOffset(String name) throws ElfException {
        Optional<Symbol> symbol = function(name);
        return symbol.isPresent() ? fileOffsetOf(symbol.get().address()) : OptionalLong.empty();
    }

    /** A defined function symbol, from .dynsym first, then .symtab (absent when stripped). */
    public Optional<Symbol> function(String name) throws ElfException {
        if (dynamicSymbols == null) {
            dynamicSymbols = symbolTable(SHT_DYNSYM);
        }
        Optional<Symbol> found = definedFunction(dynamicSymbols, name);
        if (found.isPresent()) {
            return found;
        }
        if (staticSymbols == null) {
            staticSymbols = symbolTable(SHT_SYMTAB);
        }
        return definedFunction(staticSymbols, name);
    }

    /** The first section of that name. */
    public Optional<Section> section(String name) {
        return sections.stream().filter(section -> section.name().equals(name)).findFirst();
    }

    /** The bytes a section holds in the file (none for SHT_NOBITS), checked on every read. */
    public BoundedBytes sectionBytes(Section section) throws ElfException {
        return section.hasFileBytes() ? read(section.fileOffset(), section.size(), section.name())
                : BoundedBytes.empty("read ELF " + path + ": " + section.name());
    }

    /** length bytes of the file from fileOffset, read now; what names them in messages (e.g. a function's name). */
    public BoundedBytes bytes(long fileOffset, long length, String what) throws ElfException {
        return read(fileOffset, length, what);
    }

    /** The descriptor of the first note of that owner and type (e.g. "Go", 4 for the Go build id). */
    public Optional<byte[]> note(String owner, int type) throws ElfException {
        byte[] wanted = owner.getBytes(StandardCharsets.UTF_8);
        for (Section section : sections) {
            if (section.type() != SHT_NOTE) {
                continue;
            }
            BoundedBytes notes = sectionBytes(section);
            int align = section.alignment() == 8 ? 8 : 4; // 8-byte notes (GNU property notes) align to 8
            long at = 0;
            while (notes.length() - at >= NOTE_HEADER) {
                long nameSize = notes.u32(at);
                long descriptorSize = notes.u32(at + 4);
                long noteType = notes.u32(at + 8);
                long name = at + NOTE_HEADER;
                long descriptor = alignUp(name + nameSize, align);
                long next = alignUp(descriptor + descriptorSize, align);
                if (next > notes.length()) {
                    throw notes.malformed("note at 0x" + Long.toHexString(at) + " (name " + nameSize + ", descriptor "
                            + descriptorSize + " bytes) runs past the section's " + notes.length() + " bytes");
                }
                // the name ends at its first NUL: Go pads its "Go" to four bytes
                if (noteType == type && nameSize > wanted.length && notes.cStringEquals(name, wanted)) {
                    return Optional.of(notes.copy(descriptor, descriptorSize));
                }
                at = next;
            }
        }
        return Optional.empty();
    }

    /** Maps a virtual address to its offset in the file through the PT_LOAD segment holding it. */
    public OptionalLong fileOffsetOf(long virtualAddress) {
        for (Segment segment : loadSegments) {
            long delta = virtualAddress - segment.address();
            if (Long.compareUnsigned(virtualAddress, segment.address()) >= 0 && Long.compareUnsigned(delta, segment.fileSize()) < 0) {
                return OptionalLong.of(segment.fileOffset() + delta);
            }
        }
        return OptionalLong.empty();
    }

    /** DT_NEEDED entries: the sonames this file links against. */
    public List<String> neededLibraries() throws ElfException {
        Optional<Section> dynamic = sections.stream().filter(section -> section.type() == SHT_DYNAMIC).findFirst();
        if (dynamic.isEmpty()) {
            return List.of();
        }
        BoundedBytes entries = sectionBytes(dynamic.get());
        BoundedBytes names = sectionBytes(linkedStringTable(dynamic.get()));
        List<String> needed = new ArrayList<>();
        for (long at = 0; entries.length() - at >= DYNAMIC_ENTRY; at += DYNAMIC_ENTRY) {
            long tag = entries.u64(at);
            if (tag == DT_NULL) {
                break;
            }
            if (tag == DT_NEEDED) {
                needed.add(names.cString(entries.u64(at + 8)));
            }
        }
        return List.copyOf(needed);
    }

    /** Every match of pattern in .rodata, its bytes read as ISO-8859-1, in file order. */
    public List<String> findInReadOnlyData(Pattern pattern) throws ElfException {
        Optional<Section> rodata = section(".rodata");
        if (rodata.isEmpty()) {
            return List.of();
        }
        Matcher matcher = pattern.matcher(sectionBytes(rodata.get()).latin1());
        List<String> matches = new ArrayList<>();
        while (matcher.find()) {
            matches.add(matcher.group());
        }
        return matches;
    }

    /** The GNU build id (NT_GNU_BUILD_ID) as lowercase hex. */
    public Optional<String> buildId() throws ElfException {
        return note("GNU", NT_GNU_BUILD_ID).map(descriptor -> HexFormat.of().formatHex(descriptor));
    }

    private List<Section> sections(BoundedBytes headers, int count, int namesIndex) throws ElfException {
        if (count == 0) {
            return List.of();
        }
        if (namesIndex >= count) {
            throw fail("section name table index " + namesIndex + " is not below the section count " + count);
        }
        Section namesSection = sectionHeader(headers, namesIndex, "");
        BoundedBytes names = namesIndex == SHN_UNDEF ? null : sectionBytes(namesSection);
        List<Section> parsed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long nameOffset = headers.u32((long) i * SECTION_HEADER);
            String name = names == null || nameOffset == 0 ? "" : names.cString(nameOffset);
            Section section = sectionHeader(headers, i, name);
            if (section.hasFileBytes()) {
                checkInFile(section.fileOffset(), section.size(), "section " + i + " (" + name + ")");
            }
            parsed.add(section);
        }
        return List.copyOf(parsed);
    }

    private static Section sectionHeader(BoundedBytes headers, int index, String name) throws ElfException {
        long at = (long) index * SECTION_HEADER;
        return new Section(name, headers.s32(at + 4), headers.u64(at + 8), headers.u64(at + 16), headers.u64(at + 24),
                headers.u64(at + 32), headers.s32(at + 40), headers.s32(at + 44), headers.u64(at + 48), headers.u64(at + 56));
    }

    private SymbolTable symbolTable(int type) throws ElfException {
        Optional<Section> table = sections.stream().filter(section -> section.type() == type).findFirst();
        if (table.isEmpty()) {
            BoundedBytes none = BoundedBytes.empty("read ELF " + path + ": no symbol table");
            return new SymbolTable(none, none);
        }
        if (table.get().entrySize() != SYMBOL) {
            throw fail(table.get().name() + ": symbol entries of " + table.get().entrySize() + " bytes, not " + SYMBOL);
        }
        return new SymbolTable(sectionBytes(table.get()), sectionBytes(linkedStringTable(table.get())));
    }

    private Section linkedStringTable(Section section) throws ElfException {
        if (section.link() <= 0 || section.link() >= sections.size() || sections.get(section.link()).type() != SHT_STRTAB) {
            throw fail(section.name() + ": sh_link " + section.link() + " names no string table");
        }
        return sections.get(section.link());
    }

    private static Optional<Symbol> definedFunction(SymbolTable table, String name) throws ElfException {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (long at = 0; table.entries().length() - at >= SYMBOL; at += SYMBOL) {
            int type = table.entries().u8(at + 4) & 0x0f;
            if ((type == STT_FUNC || type == STT_GNU_IFUNC) && table.entries().u16(at + 6) != SHN_UNDEF
                    && table.entries().u64(at + 8) != 0 && table.names().cStringEquals(table.entries().u32(at), wanted)) {
                return Optional.of(new Symbol(name, table.entries().u64(at + 8), table.entries().u64(at + 16)));
            }
        }
        return Optional.empty();
    }

    /** length bytes from offset, read now; fails when they are not in the file or it shrank meanwhile. */
    private BoundedBytes read(long offset, long length, String what) throws ElfException {
        checkInFile(offset, length, what);
        if (length > MAX_READ) {
            throw fail(what + ": " + length + " bytes, too large to read");
        }
        byte[] into = new byte[(int) length];
        try {
            for (int done = 0; done < into.length; ) {
                // in steps: the JDK reads through a per-thread direct buffer as large as the request and keeps it
                ByteBuffer step = ByteBuffer.wrap(into, done, Math.min(READ_STEP, into.length - done));
                int count = channel.read(step, offset + done);
                if (count < 0) {
                    throw fail(what + ": the file ends at byte " + (offset + done) + " though it had " + size
                            + " when opened: truncated while being read");
                }
                done += count;
            }
        } catch (IOException e) {
            throw new ElfException("read ELF " + path + ": " + what + ": " + e, e);
        }
        return new BoundedBytes("read ELF " + path + ": " + what, into);
    }

    private void checkInFile(long offset, long length, String what) throws ElfException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw fail(what + ": 0x" + Long.toHexString(length) + " bytes at offset 0x" + Long.toHexString(offset)
                    + " are outside the file's " + size + " bytes (truncated or malformed)");
        }
    }

    /** A count from the file as an int, when that many entries of entrySize bytes could fit in the file. */
    private int fitting(long count, int entrySize, String what) throws ElfException {
        if (count < 0 || count > size / entrySize) {
            throw fail(Long.toUnsignedString(count) + " " + what + " of " + entrySize + " bytes cannot fit in the file's "
                    + size + " bytes");
        }
        return (int) count;
    }

    private void checkEntrySize(String table, int entrySize, int expected) throws ElfException {
        if (entrySize != expected) {
            throw fail(table + " header entries of " + entrySize + " bytes, not " + expected);
        }
    }

    private ElfException fail(String reason) {
        return new ElfException("read ELF " + path + ": " + reason);
    }

    private static long alignUp(long value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
