package io.tlsscope.elf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
import net.fornwall.jelf.ElfDynamicSection;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfNoteSection;
import net.fornwall.jelf.ElfSection;
import net.fornwall.jelf.ElfSegment;
import net.fornwall.jelf.ElfSymbol;
import net.fornwall.jelf.ElfSymbolTableSection;

/**
 * One parsed ELF file, read with jelf (net.fornwall:jelf, a maintained pure-Java ELF parser).
 * Adds what uprobes need on top of it: a symbol's FILE offset (its virtual address mapped back
 * through the PT_LOAD segment that contains it).
 */
public final class ElfBinary implements AutoCloseable {
    private static final int PT_LOAD = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    private static final int SHN_UNDEF = 0;
    private static final int NT_GNU_BUILD_ID = 3;

    private final Path path;
    private final Arena mapping;
    private final MemorySegment file;
    private final ElfFile elf;

    /** A section's place in memory and in the file; flags as in sh_flags (SHF_COMPRESSED is 0x800). */
    public record Section(String name, long address, long fileOffset, long size, long flags) {
        public boolean contains(long virtualAddress) {
            return virtualAddress >= address && virtualAddress < address + size;
        }
    }

    /** A defined function symbol: its virtual address and size. */
    public record Symbol(String name, long address, long size) {
    }

    private ElfBinary(Path path, Arena mapping, MemorySegment file, ElfFile elf) {
        this.path = path;
        this.mapping = mapping;
        this.file = file;
        this.elf = elf;
    }

    /** Maps the file read-only until {@link #close()}; sections are read from the mapping on demand. */
    public static ElfBinary open(Path path) {
        Arena mapping = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            return new ElfBinary(path, mapping, file, ElfFile.from(new MappedElfFile(file)));
        } catch (NoSuchFileException e) {
            mapping.close();
            throw new ElfException("read ELF " + path + ": no such file", e);
        } catch (IOException e) {
            mapping.close();
            throw new ElfException("read ELF " + path + ": " + e.getMessage(), e);
        } catch (net.fornwall.jelf.ElfException | IllegalArgumentException | IndexOutOfBoundsException e) {
            mapping.close();
            throw new ElfException("read ELF " + path + ": not an ELF file (" + e.getMessage() + ")", e);
        }
    }

    /** Unmaps the file; nothing may be read afterwards. */
    @Override
    public void close() {
        mapping.close();
    }

    public Path path() {
        return path;
    }

    /** ET_DYN: a shared object or a position-independent executable. */
    public boolean isPositionIndependent() {
        return elf.e_type == ElfFile.ET_DYN;
    }

    public boolean isSharedObject() {
        return elf.e_type == ElfFile.ET_DYN && elf.firstSegmentByType(3 /* PT_INTERP */) == null;
    }

    /** File offset of a defined function symbol, from .dynsym first, then .symtab. */
    public OptionalLong symbolFileOffset(String name) {
        return function(name).map(found -> fileOffsetOf(found.address())).orElse(OptionalLong.empty());
    }

    /** A defined function symbol, from .dynsym first, then .symtab (absent when stripped). */
    public Optional<Symbol> function(String name) {
        return definedFunction(elf.getDynamicSymbolTableSection(), name)
                .or(() -> definedFunction(elf.getSymbolTableSection(), name))
                .map(symbol -> new Symbol(name, symbol.st_value, symbol.st_size));
    }

    public Optional<Section> section(String name) {
        ElfSection section = elf.firstSectionByName(name);
        return section == null ? Optional.empty() : Optional.of(new Section(name, section.header.sh_addr,
                section.header.sh_offset, section.header.sh_size, section.header.sh_flags));
    }

    /** length bytes of the file from fileOffset. */
    public byte[] bytes(long fileOffset, int length) {
        if (fileOffset < 0 || length < 0 || fileOffset + length > file.byteSize()) {
            throw new ElfException("read ELF " + path + ": " + length + " bytes at " + fileOffset + " are outside the file");
        }
        return file.asSlice(fileOffset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The descriptor of the first note of that owner and type (e.g. "Go", 4 for the Go build id). */
    public Optional<byte[]> note(String owner, int type) {
        for (ElfNoteSection notes : elf.sectionsOfType(ElfNoteSection.class)) {
            for (ElfNoteSection.ElfNote note : notes.notes()) {
                if (note.type == type && owner.equals(note.name)) {
                    return Optional.of(note.descriptorBytes());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ElfSymbol> definedFunction(ElfSymbolTableSection table, String name) {
        if (table == null) {
            return Optional.empty();
        }
        for (ElfSymbol symbol : table.symbols) {
            int type = symbol.getType();
            if ((type == STT_FUNC || type == STT_GNU_IFUNC) && symbol.st_shndx != SHN_UNDEF
                    && symbol.st_value != 0 && name.equals(symbol.getName())) {
                return Optional.of(symbol);
            }
        }
        return Optional.empty();
    }

    /** Maps a virtual address to its offset in the file through the PT_LOAD segment holding it. */
    public OptionalLong fileOffsetOf(long virtualAddress) {
        for (ElfSegment segment : elf.segmentsOfType(PT_LOAD)) {
            if (virtualAddress >= segment.p_vaddr && virtualAddress < segment.p_vaddr + segment.p_filesz) {
                return OptionalLong.of(virtualAddress - segment.p_vaddr + segment.p_offset);
            }
        }
        return OptionalLong.empty();
    }

    /** DT_NEEDED entries: the sonames this file links against. */
    public List<String> neededLibraries() {
        ElfDynamicSection dynamic = elf.getDynamicSection();
        return dynamic == null ? List.of() : List.copyOf(dynamic.getNeededLibraries());
    }

    /** Every match of pattern in .rodata, its bytes read as ISO-8859-1, in file order. */
    public List<String> findInReadOnlyData(Pattern pattern) {
        ElfSection rodata = elf.firstSectionByName(".rodata");
        if (rodata == null) {
            return List.of();
        }
        Matcher matcher = pattern.matcher(new String(rodata.getData(), StandardCharsets.ISO_8859_1));
        List<String> matches = new ArrayList<>();
        while (matcher.find()) {
            matches.add(matcher.group());
        }
        return matches;
    }

    /** The GNU build id (NT_GNU_BUILD_ID) as lowercase hex. */
    public Optional<String> buildId() {
        return note("GNU", NT_GNU_BUILD_ID).map(descriptor -> HexFormat.of().formatHex(descriptor));
    }
}
