package io.tlsscope.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GNU binutils' view of a binary (objdump, readelf), to check tlsscope's own ELF and x86 reading. */
public final class Objdump {
    private static final Pattern INSTRUCTION = Pattern.compile("^\\s*([0-9a-f]+):\\t\\S", Pattern.MULTILINE);
    private static final Pattern FUNCTION = Pattern.compile("^\\s*\\d+: ([0-9a-f]+)\\s+(\\d+)\\s+FUNC\\s+\\S+\\s+\\S+\\s+\\d+\\s+(\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern SECTION = Pattern.compile(
            "^\\s*\\[\\s*\\d+\\]\\s+(\\S+)\\s+\\S+\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)", Pattern.MULTILINE);

    /** A function symbol of .symtab. */
    public record Function(String name, long address, long size) {
    }

    /** A section's address, file offset and size. */
    public record Section(String name, long address, long fileOffset, long size) {
    }

    private Objdump() {
    }

    /**
     * The displacement of the first load "mov DISP(%rdi),REGISTER" in function: the offset of
     * the field an accessor taking the struct pointer as its first argument returns.
     */
    public static int firstLoadFromFirstArgument(Path file, String function, String register) {
        String listing = Commands.run(List.of("objdump", "-d", "--no-show-raw-insn", "--disassemble=" + function, file.toString()));
        Matcher load = Pattern.compile("\\smov\\s+0x([0-9a-f]+)\\(%rdi\\)," + Pattern.quote(register) + "\\b").matcher(listing);
        if (!load.find()) {
            throw new AssertionError("no load into " + register + " from (%rdi) in " + function + " of " + file + ":\n" + listing);
        }
        return Integer.parseInt(load.group(1), 16);
    }

    /** Function symbols of .symtab (readelf). */
    public static List<Function> functions(Path file) {
        Matcher entry = FUNCTION.matcher(Commands.run(List.of("readelf", "-Ws", file.toString())));
        List<Function> functions = new ArrayList<>();
        while (entry.find()) {
            functions.add(new Function(entry.group(3), Long.parseUnsignedLong(entry.group(1), 16), Long.parseLong(entry.group(2))));
        }
        return functions;
    }

    /**
     * Instruction start addresses objdump decodes in [from, to), and those it could not decode
     * ("(bad)": data inside code, such as the signature Go's crypto/internal/boring/sig embeds).
     */
    public record Disassembly(NavigableSet<Long> instructions, NavigableSet<Long> undecodable) {
        /** Whether objdump decoded all of [from, to) as instructions. */
        public boolean decodable(long from, long to) {
            return undecodable.subSet(from, to).isEmpty();
        }
    }

    public static Disassembly disassemble(Path file, long from, long to) {
        String listing = Commands.run(List.of("objdump", "-d", "--no-show-raw-insn",
                "--start-address=0x" + Long.toHexString(from), "--stop-address=0x" + Long.toHexString(to), file.toString()));
        Matcher line = INSTRUCTION.matcher(listing);
        NavigableSet<Long> instructions = new TreeSet<>();
        NavigableSet<Long> undecodable = new TreeSet<>();
        while (line.find()) {
            long address = Long.parseUnsignedLong(line.group(1), 16);
            instructions.add(address);
            int end = listing.indexOf('\n', line.end());
            if (listing.substring(line.end() - 1, end < 0 ? listing.length() : end).contains("(bad)")) {
                undecodable.add(address);
            }
        }
        return new Disassembly(instructions, undecodable);
    }

    public static Section section(Path file, String name) {
        Matcher header = SECTION.matcher(Commands.run(List.of("readelf", "-SW", file.toString())));
        while (header.find()) {
            if (header.group(1).equals(name)) {
                return new Section(name, Long.parseUnsignedLong(header.group(2), 16), Long.parseUnsignedLong(header.group(3), 16),
                        Long.parseUnsignedLong(header.group(4), 16));
            }
        }
        throw new AssertionError("no section " + name + " in " + file);
    }
}
