package io.tlsscope.golang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tlsscope.testsupport.GoToolchain;
import io.tlsscope.testsupport.Objdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The length decoder against GNU objdump on real Go machine code: every function of a Go 1.19
 * build and the crypto/tls functions of Docker's CLI (Go 1.24), instruction by instruction.
 */
class X86InstructionLengthTest {

    @Test
    void agreesWithObjdumpOnEveryFunctionOfAGoBuild(@TempDir Path directory) throws Exception {
        Path binary = GoToolchain.debian119().build("go-tls-pair", directory.resolve("pair"), false);
        assertThat(compare(binary, "")).isGreaterThan(2000);
    }

    @Test
    void agreesWithObjdumpOnCryptoTlsOfDocker() throws Exception {
        Path docker = Path.of("/usr/local/bin/docker");
        assumeTrue(Files.isRegularFile(docker), "docker CLI present");
        assertThat(compare(docker, "crypto/tls.")).isGreaterThan(300);
    }

    /** Walks every function whose name starts with prefix; returns how many were checked. */
    private static int compare(Path binary, String prefix) throws Exception {
        List<Objdump.Function> functions = Objdump.functions(binary).stream()
                .filter(function -> function.name().startsWith(prefix) && function.size() > 0).toList();
        long low = functions.stream().mapToLong(Objdump.Function::address).min().orElseThrow();
        long high = functions.stream().mapToLong(function -> function.address() + function.size()).max().orElseThrow();
        Objdump.Disassembly objdump = Objdump.disassemble(binary, low, high);
        Objdump.Section text = Objdump.section(binary, ".text");
        byte[] code = Files.readAllBytes(binary);
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        for (Objdump.Function function : functions) {
            long end = function.address() + function.size();
            if (!objdump.decodable(function.address(), end)) {
                continue; // data inside code: objdump has no answer either
            }
            compared++;
            long address = function.address();
            while (address < end) {
                if (!objdump.instructions().contains(address)) {
                    disagreements.add(function.name() + " at 0x" + Long.toHexString(address));
                    break;
                }
                int offset = (int) (address - text.address() + text.fileOffset());
                address += X86InstructionLength.at(code, offset);
            }
        }
        assertThat(disagreements).as("functions where a decoded boundary is not objdump's").isEmpty();
        return compared;
    }
}
