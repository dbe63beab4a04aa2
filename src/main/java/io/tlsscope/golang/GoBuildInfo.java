package io.tlsscope.golang;

import io.tlsscope.elf.ElfBinary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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

    public static Optional<GoBuildInfo> read(ElfBinary elf) {
        Optional<ElfBinary.Section> section = elf.section(".go.buildinfo");
        if (section.isEmpty() || section.get().size() < HEADER) {
            return Optional.empty();
        }
        byte[] data = elf.bytes(section.get().fileOffset(), (int) Math.min(section.get().size(), 1 << 20));
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return Optional.empty();
            }
        }
        int pointerSize = data[14];
        int flags = data[15];
        String version;
        String modules;
        if ((flags & FLAG_INLINE_STRINGS) != 0) {
            int[] position = {HEADER};
            version = varintString(data, position);
            modules = varintString(data, position);
        } else {
            ByteBuffer header = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            version = goString(elf, pointerSize == 8 ? header.getLong(16) : header.getInt(16));
            modules = goString(elf, pointerSize == 8 ? header.getLong(16 + pointerSize) : header.getInt(16 + pointerSize));
        }
        return Optional.of(parse(version, modules));
    }

    private static GoBuildInfo parse(String version, String modules) {
        String body = modules.length() >= 2 * SENTINEL ? modules.substring(SENTINEL, modules.length() - SENTINEL) : "";
        String path = null;
        String module = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            String[] fields = line.split("\t");
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

    private static String varintString(byte[] data, int[] position) {
        long length = 0;
        int shift = 0;
        int b;
        do {
            b = Byte.toUnsignedInt(data[position[0]++]);
            length |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        String text = new String(data, position[0], (int) length, StandardCharsets.UTF_8);
        position[0] += (int) length;
        return text;
    }

    /** A Go string header {data pointer, length} at a virtual address, before Go 1.18. */
    private static String goString(ElfBinary elf, long headerAddress) {
        long headerOffset = elf.fileOffsetOf(headerAddress).orElse(-1);
        if (headerOffset < 0) {
            return "";
        }
        ByteBuffer header = ByteBuffer.wrap(elf.bytes(headerOffset, 16)).order(ByteOrder.LITTLE_ENDIAN);
        long dataOffset = elf.fileOffsetOf(header.getLong(0)).orElse(-1);
        long length = header.getLong(8);
        return dataOffset < 0 || length < 0 || length > (1 << 20) ? ""
                : new String(elf.bytes(dataOffset, (int) length), StandardCharsets.UTF_8);
    }
}
