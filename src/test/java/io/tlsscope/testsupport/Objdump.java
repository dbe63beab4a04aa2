package io.tlsscope.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GNU objdump's x86-64 disassembly of one function, for checking struct offsets in real code. */
public final class Objdump {
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
}
