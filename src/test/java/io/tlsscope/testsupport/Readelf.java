package io.tlsscope.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** binutils' readelf as an independent second opinion on ELF facts. */
public final class Readelf {
    private static final Pattern LOAD = Pattern.compile(
            "^\\s*LOAD\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+\\s+0x([0-9a-f]+)", Pattern.MULTILINE);

    private Readelf() {
    }

    /** File offset of a FUNC symbol: its value mapped through the LOAD segment that holds it. */
    public static OptionalLong functionFileOffset(Path file, String symbol) {
        Matcher entry = Pattern.compile("^\\s*\\d+: ([0-9a-f]+)\\s+\\d+\\s+FUNC\\s+\\w+\\s+\\w+\\s+\\d+\\s+"
                + Pattern.quote(symbol) + "(@@?\\S+)?$", Pattern.MULTILINE)
                .matcher(Commands.run(List.of("readelf", "-Ws", "--dyn-syms", file.toString())));
        if (!entry.find()) {
            return OptionalLong.empty();
        }
        long address = Long.parseUnsignedLong(entry.group(1), 16);
        Matcher segment = LOAD.matcher(Commands.run(List.of("readelf", "-lW", file.toString())));
        while (segment.find()) {
            long offset = Long.parseLong(segment.group(1), 16);
            long virtualAddress = Long.parseLong(segment.group(2), 16);
            long fileSize = Long.parseLong(segment.group(3), 16);
            if (address >= virtualAddress && address < virtualAddress + fileSize) {
                return OptionalLong.of(address - virtualAddress + offset);
            }
        }
        return OptionalLong.empty();
    }

    /** The number in `openssl version` (e.g. 3.0.19) of the system openssl command. */
    public static String systemOpensslVersionNumber() {
        return Commands.run(List.of("openssl", "version")).split("\\s+")[1];
    }
}
