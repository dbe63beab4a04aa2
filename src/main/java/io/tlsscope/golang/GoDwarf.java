package io.tlsscope.golang;

import io.tlsscope.elf.ElfBinary;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
 */
public final class GoDwarf {
    private static final long SHF_COMPRESSED = 0x800;
    private static final int DW_TAG_STRUCTURE_TYPE = 0x13;
    private static final int DW_TAG_MEMBER = 0x0d;
    private static final int DW_AT_NAME = 0x03;
    private static final int DW_AT_DATA_MEMBER_LOCATION = 0x38;
    private static final int DW_OP_PLUS_UCONST = 0x23;
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

    private GoDwarf() {
    }

    /** The layout from DWARF; empty when the binary has no DWARF or lacks one of the structs. */
    public static Optional<GoConnLayout> connLayout(ElfBinary elf) {
        Optional<ByteBuffer> info = section(elf, "info");
        Optional<ByteBuffer> abbrev = section(elf, "abbrev");
        if (info.isEmpty() || abbrev.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> offsets = memberOffsets(info.get(), abbrev.get(), section(elf, "str").orElse(null));
        if (!offsets.keySet().containsAll(WANTED.keySet())) {
            return Optional.empty();
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
    private static Optional<ByteBuffer> section(ElfBinary elf, String name) {
        Optional<ElfBinary.Section> plain = elf.section(".debug_" + name);
        if (plain.isPresent() && plain.get().size() > 0 && plain.get().size() < Integer.MAX_VALUE) {
            byte[] bytes = elf.bytes(plain.get().fileOffset(), (int) plain.get().size());
            if ((plain.get().flags() & SHF_COMPRESSED) == 0) {
                return Optional.of(little(bytes));
            }
            ByteBuffer header = little(bytes); // Elf64_Chdr: ch_type (1 = zlib), reserved, ch_size, ch_addralign
            return header.getInt(0) == 1 ? inflate(bytes, 24, header.getLong(8)) : Optional.empty();
        }
        Optional<ElfBinary.Section> old = elf.section(".zdebug_" + name);
        if (old.isPresent() && old.get().size() > 12 && old.get().size() < Integer.MAX_VALUE) {
            byte[] bytes = elf.bytes(old.get().fileOffset(), (int) old.get().size());
            if (new String(bytes, 0, 4, StandardCharsets.ISO_8859_1).equals("ZLIB")) {
                return inflate(bytes, 12, ByteBuffer.wrap(bytes, 4, 8).order(ByteOrder.BIG_ENDIAN).getLong());
            }
        }
        return Optional.empty();
    }

    private static Optional<ByteBuffer> inflate(byte[] bytes, int from, long size) {
        if (size <= 0 || size > (1L << 30)) {
            return Optional.empty();
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, from, bytes.length - from);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
            byte[] chunk = new byte[1 << 16];
            while (!inflater.finished()) {
                int count = inflater.inflate(chunk);
                if (count == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return Optional.empty();
                }
                out.write(chunk, 0, count);
            }
            return Optional.of(little(out.toByteArray()));
        } catch (DataFormatException corrupt) {
            return Optional.empty();
        } finally {
            inflater.end();
        }
    }

    private static ByteBuffer little(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Walks every unit; returns, per wanted struct, the offset of its wanted member. */
    private static Map<String, Long> memberOffsets(ByteBuffer info, ByteBuffer abbrev, ByteBuffer strings) {
        Map<String, Long> found = new HashMap<>();
        Map<Long, Map<Long, Abbreviation>> tables = new HashMap<>();
        int unitStart = 0;
        while (unitStart + 11 <= info.limit() && found.size() < WANTED.size()) {
            info.position(unitStart);
            long length = Integer.toUnsignedLong(info.getInt());
            boolean dwarf64 = length == 0xffffffffL;
            if (dwarf64) {
                length = info.getLong();
            }
            int unitEnd = (int) Math.min(info.limit(), info.position() + length);
            int version = Short.toUnsignedInt(info.getShort());
            long abbrevOffset;
            int addressSize;
            if (version >= 5) {
                int unitType = Byte.toUnsignedInt(info.get());
                addressSize = Byte.toUnsignedInt(info.get());
                abbrevOffset = dwarf64 ? info.getLong() : Integer.toUnsignedLong(info.getInt());
                if (unitType == 2 || unitType == 6) { // type units: signature and type offset
                    info.position(info.position() + 8 + (dwarf64 ? 8 : 4));
                } else if (unitType == 4 || unitType == 5) { // skeleton and split units: DWO id
                    info.position(info.position() + 8);
                }
            } else {
                abbrevOffset = dwarf64 ? info.getLong() : Integer.toUnsignedLong(info.getInt());
                addressSize = Byte.toUnsignedInt(info.get());
            }
            Map<Long, Abbreviation> table = tables.computeIfAbsent(abbrevOffset, offset -> abbreviations(abbrev, offset));
            readUnit(info, unitEnd, table, new Unit(version, addressSize, dwarf64 ? 8 : 4), strings, found);
            unitStart = unitEnd;
        }
        return found;
    }

    private record Unit(int version, int addressSize, int offsetSize) {
    }

    private static void readUnit(ByteBuffer info, int end, Map<Long, Abbreviation> table, Unit unit, ByteBuffer strings,
                                 Map<String, Long> found) {
        int depth = 0;
        String struct = null;
        int structDepth = -1;
        while (info.position() < end) {
            long code = uleb(info);
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
                    name = string(info, attribute.form(), unit, strings);
                } else if (attribute.name() == DW_AT_DATA_MEMBER_LOCATION) {
                    location = memberLocation(info, attribute, unit);
                } else {
                    skip(info, attribute.form(), unit);
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

    private static Map<Long, Abbreviation> abbreviations(ByteBuffer abbrev, long offset) {
        Map<Long, Abbreviation> table = new HashMap<>();
        ByteBuffer in = abbrev.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        in.position((int) offset);
        while (in.hasRemaining()) {
            long code = uleb(in);
            if (code == 0) {
                break;
            }
            int tag = (int) uleb(in);
            boolean children = in.get() != 0;
            List<Attribute> attributes = new ArrayList<>();
            while (true) {
                int name = (int) uleb(in);
                int form = (int) uleb(in);
                if (name == 0 && form == 0) {
                    break;
                }
                attributes.add(new Attribute(name, form, form == 0x21 ? sleb(in) : 0));
            }
            table.put(code, new Abbreviation(tag, children, attributes));
        }
        return table;
    }

    private static Long memberLocation(ByteBuffer info, Attribute attribute, Unit unit) {
        return switch (attribute.form()) {
            case 0x0b -> (long) Byte.toUnsignedInt(info.get());
            case 0x05 -> (long) Short.toUnsignedInt(info.getShort());
            case 0x06 -> Integer.toUnsignedLong(info.getInt());
            case 0x07 -> info.getLong();
            case 0x0f -> uleb(info);
            case 0x0d -> sleb(info);
            case 0x21 -> attribute.implicitConstant();
            case 0x18, 0x0a, 0x09 -> { // an expression: DW_OP_plus_uconst N
                int length = (int) (attribute.form() == 0x0a ? Byte.toUnsignedInt(info.get()) : uleb(info));
                int start = info.position();
                Long value = length > 0 && Byte.toUnsignedInt(info.get(start)) == DW_OP_PLUS_UCONST
                        ? uleb(info.position(start + 1)) : null;
                info.position(start + length);
                yield value;
            }
            default -> {
                skip(info, attribute.form(), unit);
                yield null;
            }
        };
    }

    private static String string(ByteBuffer info, int form, Unit unit, ByteBuffer strings) {
        if (form == 0x08) {
            return cString(info, info.position(), true);
        }
        if (form == 0x0e && strings != null) {
            long offset = unit.offsetSize() == 8 ? info.getLong() : Integer.toUnsignedLong(info.getInt());
            return offset < strings.limit() ? cString(strings, (int) offset, false) : null;
        }
        skip(info, form, unit);
        return null;
    }

    private static String cString(ByteBuffer buffer, int start, boolean advance) {
        int end = start;
        while (end < buffer.limit() && buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buffer.get(start, bytes);
        if (advance) {
            buffer.position(Math.min(buffer.limit(), end + 1));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Skips one attribute value of the given form. */
    private static void skip(ByteBuffer in, int form, Unit unit) {
        int offsetSize = unit.offsetSize();
        int skip = switch (form) {
            case 0x01 -> unit.addressSize();                                   // addr
            case 0x03 -> Short.toUnsignedInt(in.getShort());                   // block2
            case 0x04 -> in.getInt();                                          // block4
            case 0x05, 0x12, 0x26, 0x2a -> 2;                                  // data2 ref2 strx2 addrx2
            case 0x06, 0x13, 0x1c, 0x28, 0x2c -> 4;                            // data4 ref4 ref_sup4 strx4 addrx4
            case 0x07, 0x14, 0x20, 0x24 -> 8;                                  // data8 ref8 ref_sig8 ref_sup8
            case 0x08 -> {                                                     // string
                cString(in, in.position(), true);
                yield 0;
            }
            case 0x09, 0x18 -> (int) uleb(in);                                 // block exprloc
            case 0x0a -> Byte.toUnsignedInt(in.get());                         // block1
            case 0x0b, 0x0c, 0x11, 0x25, 0x29 -> 1;                            // data1 flag ref1 strx1 addrx1
            case 0x0d -> {                                                     // sdata
                sleb(in);
                yield 0;
            }
            case 0x0f, 0x15, 0x1a, 0x1b, 0x22, 0x23, 0x1f01, 0x1f02 -> {       // udata ref_udata strx addrx loclistx rnglistx GNU
                uleb(in);
                yield 0;
            }
            case 0x0e, 0x17, 0x1d, 0x1f, 0x1f20, 0x1f21 -> offsetSize;         // strp sec_offset strp_sup line_strp GNU alt
            case 0x10 -> unit.version() <= 2 ? unit.addressSize() : offsetSize; // ref_addr
            case 0x16 -> {                                                     // indirect
                skip(in, (int) uleb(in), unit);
                yield 0;
            }
            case 0x19, 0x21 -> 0;                                              // flag_present implicit_const
            case 0x1e -> 16;                                                   // data16
            case 0x27, 0x2b -> 3;                                              // strx3 addrx3
            default -> throw new IllegalArgumentException("unknown DWARF form 0x" + Integer.toHexString(form));
        };
        in.position(in.position() + skip);
    }

    private static long uleb(ByteBuffer in) {
        long value = 0;
        int shift = 0;
        int b;
        do {
            b = Byte.toUnsignedInt(in.get());
            value |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }

    private static long sleb(ByteBuffer in) {
        long value = 0;
        int shift = 0;
        int b;
        do {
            b = Byte.toUnsignedInt(in.get());
            value |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return shift < 64 && (b & 0x40) != 0 ? value | (-1L << shift) : value;
    }
}
