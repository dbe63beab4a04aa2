package io.tlsscope.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small 64-bit little-endian ELF file around given section contents, so that the parsers
 * of one part of a binary (the pclntab, DWARF, the build info, .rodata) can be fed cut-out real
 * bytes or fuzzed ones through the same {@code ElfBinary} the tracer uses. Every section with an
 * address gets a PT_LOAD segment of its own; a .shstrtab is added. Layout: ELF header, program
 * headers, section contents, section name table, section headers (as linkers order them).
 */
public final class ElfImage {
    private static final int ET_DYN = 3;
    private static final int EM_X86_64 = 62;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOBITS = 8;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_COMPRESSED = 0x800;

    private record Section(String name, int type, long flags, long address, byte[] contents, long size) {
    }

    private final List<Section> sections = new ArrayList<>();

    /** A section with contents; address 0 for a section that is not loaded (debug info). */
    public ElfImage section(String name, int type, long flags, long address, byte[] contents) {
        sections.add(new Section(name, type, flags, address, contents, contents.length));
        return this;
    }

    /** A section without file contents (SHT_NOBITS) covering size bytes from address. */
    public ElfImage emptySection(String name, long address, long size) {
        sections.add(new Section(name, SHT_NOBITS, SHF_ALLOC, address, new byte[0], size));
        return this;
    }

    public byte[] bytes() {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        names.write(0);
        List<Integer> nameOffsets = new ArrayList<>();
        for (Section section : sections) {
            nameOffsets.add(names.size());
            names.writeBytes((section.name() + "\0").getBytes(StandardCharsets.UTF_8));
        }
        int shstrtabName = names.size();
        names.writeBytes(".shstrtab\0".getBytes(StandardCharsets.UTF_8));

        List<Section> loaded = sections.stream().filter(section -> section.address() != 0 && section.type() != SHT_NOBITS).toList();
        int programHeaders = 64;
        long offset = programHeaders + 56L * loaded.size();
        List<Long> offsets = new ArrayList<>();
        for (Section section : sections) {
            offset = (offset + 7) & -8L;
            offsets.add(offset);
            offset += section.contents().length;
        }
        long namesOffset = offset;
        long sectionHeaders = (namesOffset + names.size() + 7) & -8L;
        int count = sections.size() + 2;
        ByteBuffer file = ByteBuffer.allocate((int) (sectionHeaders + 64L * count)).order(ByteOrder.LITTLE_ENDIAN);
        file.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        file.putShort((short) ET_DYN).putShort((short) EM_X86_64).putInt(1).putLong(0)
                .putLong(loaded.isEmpty() ? 0 : programHeaders).putLong(sectionHeaders).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) loaded.size())
                .putShort((short) 64).putShort((short) count).putShort((short) (count - 1));
        for (Section section : loaded) {
            long at = offsets.get(sections.indexOf(section));
            file.putInt(1).putInt(5).putLong(at).putLong(section.address()).putLong(section.address())
                    .putLong(section.contents().length).putLong(section.contents().length).putLong(8);
        }
        for (int i = 0; i < sections.size(); i++) {
            file.put(offsets.get(i).intValue(), sections.get(i).contents());
        }
        file.put((int) namesOffset, names.toByteArray());
        file.position((int) sectionHeaders + 64); // section 0 stays all zero
        for (int i = 0; i < sections.size(); i++) {
            Section section = sections.get(i);
            sectionHeader(file, nameOffsets.get(i), section.type(), section.flags(), section.address(), offsets.get(i), section.size());
        }
        sectionHeader(file, shstrtabName, SHT_STRTAB, 0, 0, namesOffset, names.size());
        return file.array();
    }

    private static void sectionHeader(ByteBuffer file, int name, int type, long flags, long address, long offset, long size) {
        file.putInt(name).putInt(type).putLong(flags).putLong(address).putLong(offset).putLong(size)
                .putInt(0).putInt(0).putLong(1).putLong(0);
    }
}
