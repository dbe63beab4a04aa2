package io.tlsscope.golang;

import io.tlsscope.elf.BoundedBytes;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The connection layout of a Go build read from its own DWARF (.debug_info), when it has any:
 * the member offsets of crypto/tls.Conn.conn, runtime.iface.data, net.TCPConn.conn, net.conn.fd,
 * net.netFD.pfd and internal/poll.FD.Sysfd. Handles sections compressed the ELF way
 * (SHF_COMPRESSED, Go 1.20+ and external linkers) and the older .zdebug way (Go before 1.20), DWARF
 * 2 to 5 unit headers and every standard attribute form (C units of cgo builds use many).
 * Facts: DWARF 5 standard, sections 7.5 (unit headers, forms) and 7.7.1 (DW_OP_plus_uconst).
 * Malformed DWARF fails with {@link ElfException}; the work is linear in the sections' sizes.
 */
public final class GoDwarf {
    private static final long SHF_COMPRESSED = 0x800;
    private static final int DW_TAG_STRUCTURE_TYPE = 0x13;
    private static final int DW_TAG_MEMBER = 0x0d;
    private static final int DW_AT_NAME = 0x03;
    private static final int DW_AT_DATA_MEMBER_LOCATION = 0x38;
    private static final int DW_OP_PLUS_UCONST = 0x23;
    private static final int DW_FORM_INDIRECT = 0x16;
    private static final int DW_FORM_IMPLICIT_CONST = 0x21;
    /** ELF compression header (Elf64_Chdr) and .zdebug header ("ZLIB", 8-byte big-endian size). */
    private static final int CHDR_SIZE = 24;
    private static final int ZDEBUG_HEADER = 12;
    private static final int ELFCOMPRESS_ZLIB = 1;
    /**
     * Refused above this many times the compressed size: DWARF inflates 3 to 8 times (Docker's CLI:
     * 4.6), zlib at most about 1000 times, so a larger claim is a decompression bomb, not debug info.
     */
    private static final int MAX_INFLATION = 64;
    private static final long MAX_INFLATED = 1L << 30;
    /** Member offsets in these small structs are far below this; larger ones are not offsets. */
    private static final long MAX_MEMBER_OFFSET = 1 << 16;
    /** struct name -> the member whose offset is needed. */
    private static final Map<String, String> WANTED = Map.of(
            "crypto/tls.Conn", "conn",
            "runtime.iface", "data",
            "net.TCPConn", "conn",
            "net.conn", "fd",
            "net.netFD", "pfd",
            "internal/poll.FD", "Sysfd");

    private record Attribute(int name, int form, long implicitConstant) {
    }

    private record Abbreviation(int tag, boolean hasChildren, List<Attribute> attributes) {
    }

    private record Unit(int version, int addressSize, int offsetSize) {
    }

    private GoDwarf() {
    }

    /** The layout from DWARF; empty when the binary has no DWARF or lacks one of the structs. */
    public static Optional<GoConnLayout> connLayout(ElfBinary elf) throws ElfException {
        Optional<BoundedBytes> info = section(elf, "info");
        Optional<BoundedBytes> abbrev = section(elf, "abbrev");
        if (info.isEmpty() || abbrev.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> offsets = memberOffsets(info.get(), abbrev.get(), section(elf, "str").orElse(null));
        if (!offsets.keySet().containsAll(WANTED.keySet())) {
            return Optional.empty();
        }
        for (Map.Entry<String, Long> offset : offsets.entrySet()) {
            if (offset.getValue() < 0 || offset.getValue() >= MAX_MEMBER_OFFSET) {
                throw info.get().malformed(offset.getKey() + "." + WANTED.get(offset.getKey()) + " at offset "
                        + offset.getValue() + ": not a member offset");
            }
        }
        return Optional.of(new GoConnLayout("dwarf", null, null,
                (int) (offsets.get("crypto/tls.Conn") + offsets.get("runtime.iface")),
                (int) (offsets.get("net.TCPConn") + offsets.get("net.conn")),
                (int) (offsets.get("net.netFD") + offsets.get("internal/poll.FD")),
                "the binary's own DWARF: crypto/tls.Conn.conn + runtime.iface.data, net.TCPConn.conn + net.conn.fd, "
                        + "net.netFD.pfd + internal/poll.FD.Sysfd",
                "read from this binary"));
    }

    /** .debug_NAME, decompressed; or .zdebug_NAME ("ZLIB", big-endian size, zlib stream). */
    private static Optional<BoundedBytes> section(ElfBinary elf, String name) throws ElfException {
        Optional<ElfBinary.Section> plain = elf.section(".debug_" + name);
        if (plain.isPresent() && plain.get().size() > 0) {
            BoundedBytes bytes = elf.sectionBytes(plain.get());
            if ((plain.get().flags() & SHF_COMPRESSED) == 0) {
                return Optional.of(bytes);
            }
            // Elf64_Chdr: ch_type (1 = zlib), reserved, ch_size, ch_addralign; zstd (2) is not read
            return bytes.u32(0) == ELFCOMPRESS_ZLIB ? Optional.of(inflate(bytes, CHDR_SIZE, bytes.u64(8))) : Optional.empty();
        }
        Optional<ElfBinary.Section> old = elf.section(".zdebug_" + name);
        if (old.isPresent() && old.get().size() > ZDEBUG_HEADER) {
            BoundedBytes bytes = elf.sectionBytes(old.get());
            if (bytes.u8(0) == 'Z' && bytes.u8(1) == 'L' && bytes.u8(2) == 'I' && bytes.u8(3) == 'B') {
                return Optional.of(inflate(bytes, ZDEBUG_HEADER, Long.reverseBytes(bytes.u64(4))));
            }
        }
        return Optional.empty();
    }

    /** The zlib stream from offset from, which must inflate to exactly size bytes. */
    private static BoundedBytes inflate(BoundedBytes compressed, int from, long size) throws ElfException {
        long input = compressed.length() - from;
        if (size <= 0 || size > Math.min(MAX_INFLATED, input * MAX_INFLATION)) {
            throw compressed.malformed("declares " + size + " bytes inflated from " + input + " compressed, refused");
        }
        byte[] out = new byte[(int) size];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed.copy(from, input));
            int filled = 0;
            while (filled < out.length) {
                int count = inflater.inflate(out, filled, out.length - filled);
                if (count == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    throw compressed.malformed("the zlib stream ends after " + filled + " of the " + size + " bytes it declares");
                }
                filled += count;
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw compressed.malformed("the zlib stream inflates past the " + size + " bytes it declares");
            }
            return compressed.derived("(inflated)", out);
        } catch (DataFormatException corrupt) {
            throw compressed.malformed("corrupt zlib stream: " + corrupt.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** Walks every unit; returns, per wanted struct, the offset of its wanted member. */
    private static Map<String, Long> memberOffsets(BoundedBytes info, BoundedBytes abbrev, BoundedBytes strings)
            throws ElfException {
        Map<String, Long> found = new HashMap<>();
        AbbreviationTables tables = new AbbreviationTables(abbrev);
        long unitStart = 0;
        while (info.length() - unitStart >= 11 && found.size() < WANTED.size()) {
            BoundedBytes.Cursor header = info.cursor(unitStart);
            long length = header.u32();
            boolean dwarf64 = length == 0xffffffffL;
            if (dwarf64) {
                length = header.u64();
            }
            if (length < 0 || length > info.length() - header.position()) {
                throw info.malformed("the unit at 0x" + Long.toHexString(unitStart) + " claims " + Long.toUnsignedString(length)
                        + " bytes, more than the " + (info.length() - header.position()) + " left");
            }
            long unitEnd = header.position() + length;
            BoundedBytes.Cursor in = info.slice(header.position(), length).cursor(0);
            int version = in.u16();
            if (version < 2 || version > 5) {
                throw info.malformed("the unit at 0x" + Long.toHexString(unitStart) + " has DWARF version " + version);
            }
            long abbrevOffset;
            int addressSize;
            if (version >= 5) {
                int unitType = in.u8();
                addressSize = in.u8();
                abbrevOffset = dwarf64 ? in.u64() : in.u32();
                if (unitType == 2 || unitType == 6) { // type units: signature and type offset
                    in.skip(8 + (dwarf64 ? 8 : 4));
                } else if (unitType == 4 || unitType == 5) { // skeleton and split units: DWO id
                    in.skip(8);
                }
            } else {
                abbrevOffset = dwarf64 ? in.u64() : in.u32();
                addressSize = in.u8();
            }
            readUnit(in, tables.at(abbrevOffset), new Unit(version, addressSize, dwarf64 ? 8 : 4), strings, found);
            unitStart = unitEnd;
        }
        return found;
    }

    private static void readUnit(BoundedBytes.Cursor in, Map<Long, Abbreviation> table, Unit unit, BoundedBytes strings,
                                 Map<String, Long> found) throws ElfException {
        int depth = 0;
        String struct = null;
        int structDepth = -1;
        while (in.hasRemaining()) {
            long code = in.uleb();
            if (code == 0) {
                depth--;
                if (depth < structDepth) {
                    struct = null;
                    structDepth = -1;
                }
                continue;
            }
            Abbreviation abbreviation = table.get(code);
            if (abbreviation == null) {
                return; // unknown abbreviation: this unit cannot be read further
            }
            String name = null;
            Long location = null;
            for (Attribute attribute : abbreviation.attributes()) {
                if (attribute.name() == DW_AT_NAME) {
                    name = string(in, attribute.form(), unit, strings);
                } else if (attribute.name() == DW_AT_DATA_MEMBER_LOCATION) {
                    location = memberLocation(in, attribute, unit);
                } else {
                    skip(in, attribute.form(), unit);
                }
            }
            if (abbreviation.tag() == DW_TAG_STRUCTURE_TYPE && name != null && WANTED.containsKey(name)
                    && abbreviation.hasChildren()) {
                struct = name;
                structDepth = depth + 1;
            } else if (abbreviation.tag() == DW_TAG_MEMBER && struct != null && depth == structDepth
                    && WANTED.get(struct).equals(name) && location != null) {
                found.putIfAbsent(struct, location);
            }
            if (abbreviation.hasChildren()) {
                depth++;
            }
        }
    }

    /**
     * The abbreviation tables of .debug_abbrev, each parsed once. Units share tables, and a table
     * ends at its terminating zero code; tables that overlap (only a crafted file has them) could
     * make parsing quadratic, so all tables together may parse at most a few times the section.
     */
    private static final class AbbreviationTables {
        private static final int MAX_PASSES = 4;

        private final BoundedBytes abbrev;
        private final Map<Long, Map<Long, Abbreviation>> tables = new HashMap<>();
        private long parsed;

        AbbreviationTables(BoundedBytes abbrev) {
            this.abbrev = abbrev;
        }

        Map<Long, Abbreviation> at(long offset) throws ElfException {
            Map<Long, Abbreviation> table = tables.get(offset);
            if (table == null) {
                table = parse(offset);
                tables.put(offset, table);
            }
            return table;
        }

        private Map<Long, Abbreviation> parse(long offset) throws ElfException {
            Map<Long, Abbreviation> table = new HashMap<>();
            BoundedBytes.Cursor in = abbrev.cursor(offset);
            while (in.hasRemaining()) {
                long code = in.uleb();
                if (code == 0) {
                    break;
                }
                int tag = (int) in.uleb();
                boolean children = in.u8() != 0;
                List<Attribute> attributes = new ArrayList<>();
                while (true) {
                    int name = (int) in.uleb();
                    int form = (int) in.uleb();
                    if (name == 0 && form == 0) {
                        break;
                    }
                    attributes.add(new Attribute(name, form, form == DW_FORM_IMPLICIT_CONST ? in.sleb() : 0));
                }
                table.put(code, new Abbreviation(tag, children, attributes));
            }
            parsed += in.position() - offset;
            if (parsed > (long) MAX_PASSES * abbrev.length()) {
                throw abbrev.malformed("abbreviation tables overlap: " + parsed + " bytes parsed of " + abbrev.length());
            }
            return table;
        }
    }

    private static Long memberLocation(BoundedBytes.Cursor in, Attribute attribute, Unit unit) throws ElfException {
        return switch (attribute.form()) {
            case 0x0b -> (long) in.u8();
            case 0x05 -> (long) in.u16();
            case 0x06 -> in.u32();
            case 0x07 -> in.u64();
            case 0x0f -> in.uleb();
            case 0x0d -> in.sleb();
            case DW_FORM_IMPLICIT_CONST -> attribute.implicitConstant();
            case 0x18, 0x0a, 0x09 -> { // an expression: DW_OP_plus_uconst N
                long length = attribute.form() == 0x0a ? in.u8() : in.uleb();
                int start = in.position();
                in.skip(length);
                Long value = null;
                if (length > 0 && in.seek(start).u8() == DW_OP_PLUS_UCONST) {
                    value = in.uleb();
                    if (in.position() > start + length) {
                        throw in.malformed("DW_OP_plus_uconst runs past its " + length + "-byte expression");
                    }
                }
                in.seek(start + length);
                yield value;
            }
            default -> {
                skip(in, attribute.form(), unit);
                yield null;
            }
        };
    }

    private static String string(BoundedBytes.Cursor in, int form, Unit unit, BoundedBytes strings) throws ElfException {
        if (form == 0x08) {
            return in.cString();
        }
        if (form == 0x0e && strings != null) {
            return strings.cString(unit.offsetSize() == 8 ? in.u64() : in.u32());
        }
        skip(in, form, unit);
        return null;
    }

    /** Skips one attribute value of the given form. */
    private static void skip(BoundedBytes.Cursor in, int form, Unit unit) throws ElfException {
        int offsetSize = unit.offsetSize();
        int actual = form;
        if (actual == DW_FORM_INDIRECT) { // the form is in the data; an indirect naming indirect is malformed
            actual = (int) in.uleb();
            if (actual == DW_FORM_INDIRECT) {
                throw in.malformed("DW_FORM_indirect names DW_FORM_indirect");
            }
        }
        long skip = switch (actual) {
            case 0x01 -> unit.addressSize();                                   // addr
            case 0x03 -> in.u16();                                             // block2
            case 0x04 -> in.u32();                                             // block4
            case 0x05, 0x12, 0x26, 0x2a -> 2;                                  // data2 ref2 strx2 addrx2
            case 0x06, 0x13, 0x1c, 0x28, 0x2c -> 4;                            // data4 ref4 ref_sup4 strx4 addrx4
            case 0x07, 0x14, 0x20, 0x24 -> 8;                                  // data8 ref8 ref_sig8 ref_sup8
            case 0x08 -> {                                                     // string
                in.cString();
                yield 0;
            }
            case 0x09, 0x18 -> in.uleb();                                      // block exprloc
            case 0x0a -> in.u8();                                              // block1
            case 0x0b, 0x0c, 0x11, 0x25, 0x29 -> 1;                            // data1 flag ref1 strx1 addrx1
            case 0x0d -> {                                                     // sdata
                in.sleb();
                yield 0;
            }
            case 0x0f, 0x15, 0x1a, 0x1b, 0x22, 0x23, 0x1f01, 0x1f02 -> {       // udata ref_udata strx addrx loclistx rnglistx GNU
                in.uleb();
                yield 0;
            }
            case 0x0e, 0x17, 0x1d, 0x1f, 0x1f20, 0x1f21 -> offsetSize;         // strp sec_offset strp_sup line_strp GNU alt
            case 0x10 -> unit.version() <= 2 ? unit.addressSize() : offsetSize; // ref_addr
            case 0x19, DW_FORM_IMPLICIT_CONST -> 0;                            // flag_present implicit_const
            case 0x1e -> 16;                                                   // data16
            case 0x27, 0x2b -> 3;                                              // strx3 addrx3
            default -> throw in.malformed("unknown DWARF form 0x" + Integer.toHexString(actual));
        };
        in.skip(skip);
    }
}
