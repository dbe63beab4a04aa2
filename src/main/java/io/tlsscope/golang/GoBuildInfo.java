package io.tlsscope.golang;

import io.tlsscope.elf.BoundedBytes;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the Go linker records in the .go.buildinfo section: the toolchain version and the module
 * information (main package path, main module, build settings such as -ldflags and CGO_ENABLED).
 * Layout (Go's debug/buildinfo): a 14-byte magic "\xff Go buildinf:", the pointer size, a flags
 * byte; with flag 2 (Go 1.18+) the two strings follow at offset 32 as varint-length-prefixed bytes,
 * before that offset 16 holds pointers to two Go string headers.
 *
 * @param mainPath the main package's import path
 * @param settings "build" lines: -ldflags, CGO_ENABLED, GOARCH, vcs.revision...
 */
public record GoBuildInfo(String goVersion, String mainPath, String mainModule, Map<String, String> settings) {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int FLAG_INLINE_STRINGS = 2;
    private static final int HEADER = 32;
    /** Module info is wrapped in two 16-byte sentinels. */
    private static final int SENTINEL = 16;
    /** Real build info is a few KiB; more is not read. */
    private static final int MAX_BYTES = 1 << 20;

    /** Empty when the file has no Go build info; fails when it has one that cannot be read. */
    public static Optional<GoBuildInfo> read(ElfBinary elf) throws ElfException {
        Optional<ElfBinary.Section> section = elf.section(".go.buildinfo");
        if (section.isEmpty() || section.get().size() < HEADER) {
            return Optional.empty();
        }
        BoundedBytes data = elf.bytes(section.get().fileOffset(), Math.min(section.get().size(), MAX_BYTES), ".go.buildinfo");
        for (int i = 0; i < MAGIC.length; i++) {
            if (data.u8(i) != Byte.toUnsignedInt(MAGIC[i])) {
                return Optional.empty();
            }
        }
        int pointerSize = data.u8(14);
        int flags = data.u8(15);
        String version;
        String modules;
        if ((flags & FLAG_INLINE_STRINGS) != 0) {
            BoundedBytes.Cursor strings = data.cursor(HEADER);
            version = varintString(data, strings);
            modules = varintString(data, strings);
        } else if (pointerSize == 8) {
            version = goString(elf, data.u64(16));
            modules = goString(elf, data.u64(24));
        } else if (pointerSize == 4) {
            version = goString(elf, data.u32(16));
            modules = goString(elf, data.u32(20));
        } else {
            throw data.malformed("pointer size " + pointerSize + ", not 4 or 8");
        }
        return Optional.of(parse(version, modules));
    }

    private static GoBuildInfo parse(String version, String modules) {
        String body = modules.length() >= 2 * SENTINEL ? modules.substring(SENTINEL, modules.length() - SENTINEL) : "";
        String path = null;
        String module = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            String[] fields = line.split("\t", -1); // -1: a line of tabs only still has a first field
            switch (fields[0]) {
                case "path" -> path = fields.length > 1 ? fields[1] : null;
                case "mod" -> module = fields.length > 1 ? fields[1] + (fields.length > 2 ? "@" + fields[2] : "") : null;
                case "build" -> {
                    if (fields.length > 1) {
                        int equals = fields[1].indexOf('=');
                        settings.put(equals < 0 ? fields[1] : fields[1].substring(0, equals),
                                equals < 0 ? "" : fields[1].substring(equals + 1));
                    }
                }
                default -> {
                    // dep and => lines: dependencies, not needed here
                }
            }
        }
        return new GoBuildInfo(version, path, module, settings);
    }

    /** A uvarint length, then that many bytes of UTF-8 (Go 1.18+). */
    private static String varintString(BoundedBytes data, BoundedBytes.Cursor cursor) throws ElfException {
        long length = cursor.uleb();
        String text = new String(data.copy(cursor.position(), length), StandardCharsets.UTF_8);
        cursor.skip(length);
        return text;
    }

    /** A Go string header {data pointer, length} at a virtual address, before Go 1.18; "" when it points nowhere. */
    private static String goString(ElfBinary elf, long headerAddress) throws ElfException {
        OptionalLong headerOffset = elf.fileOffsetOf(headerAddress);
        if (headerOffset.isEmpty()) {
            return "";
        }
        BoundedBytes header = elf.bytes(headerOffset.getAsLong(), 16, ".go.buildinfo string header");
        OptionalLong dataOffset = elf.fileOffsetOf(header.u64(0));
        long length = header.u64(8);
        return dataOffset.isEmpty() || length < 0 || length > MAX_BYTES ? ""
                : new String(elf.bytes(dataOffset.getAsLong(), length, ".go.buildinfo string").copy(0, length),
                        StandardCharsets.UTF_8);
    }
}
