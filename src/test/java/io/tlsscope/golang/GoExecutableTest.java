package io.tlsscope.golang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.testsupport.Commands;
import io.tlsscope.testsupport.GoToolchain;
import io.tlsscope.testsupport.Objdump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Go executables read the way the tracer reads them, checked against the Go toolchain
 * (`go version -m`) and binutils (readelf symbols, objdump RETs), with and without symbols.
 */
class GoExecutableTest {
    private static final Pattern RET = Pattern.compile("^\\s*([0-9a-f]+):\\s+(?:rep )?ret", Pattern.MULTILINE);

    @Test
    void aGo119BuildWithSymbolsStrippedAndBuiltWithoutThem(@TempDir Path directory) throws Exception {
        GoToolchain go = GoToolchain.debian119();
        Path full = go.build("go-tls-pair", directory.resolve("full"), false);
        Path stripped = directory.resolve("stripped");
        Commands.run(List.of("strip", "-o", stripped.toString(), full.toString()));
        Path linkerStripped = go.build("go-tls-pair", directory.resolve("ldflags-s-w"), true);

        GoExecutable withSymbols = inspect(full);
        assertThat(withSymbols.buildInfo().goVersion()).isEqualTo(goVersionOf(go, full));
        assertThat(withSymbols.buildInfo().mainPath()).isEqualTo("command-line-arguments");
        assertThat(withSymbols.registerAbi()).isTrue();
        assertThat(withSymbols.positionIndependent()).isFalse();
        assertThat(withSymbols.buildId()).isNotBlank();
        for (String name : List.of(GoExecutable.READ, GoExecutable.WRITE)) {
            GoExecutable.TlsFunction function = withSymbols.function(name).orElseThrow();
            assertThat(function.foundVia()).isEqualTo("symtab");
            assertThat(function.returnOffsets()).as("RETs of %s", name).isNotEmpty()
                    .isEqualTo(objdumpReturns(full, function));

            GoExecutable.TlsFunction fromTable = inspect(stripped).function(name).orElseThrow();
            assertThat(fromTable.foundVia()).isEqualTo("pclntab 1.18");
            assertThat(fromTable.address()).isEqualTo(function.address());
            assertThat(fromTable.returnOffsets()).isEqualTo(function.returnOffsets());
        }
        GoExecutable withoutSymbols = inspect(linkerStripped);
        assertThat(withoutSymbols.buildInfo().settings()).containsEntry("-ldflags", "\"-s -w\"");
        assertThat(withoutSymbols.function(GoExecutable.READ).orElseThrow().foundVia()).isEqualTo("pclntab 1.18");
    }

    @Test
    void aGo115BuildUsesTheStackAbiAndThePclntab12Format(@TempDir Path directory) throws Exception {
        GoToolchain go115 = GoToolchain.all().stream().filter(go -> go.version().equals("1.15")).findFirst().orElseThrow();
        Path full = go115.build("go-tls-pair", directory.resolve("full"), false);
        Path stripped = go115.build("go-tls-pair", directory.resolve("stripped"), true);
        GoExecutable withSymbols = inspect(full);
        assertThat(withSymbols.buildInfo().goVersion()).isEqualTo(goVersionOf(GoToolchain.debian119(), full));
        assertThat(withSymbols.registerAbi()).isFalse();
        GoExecutable withoutSymbols = inspect(stripped);
        for (String name : List.of(GoExecutable.READ, GoExecutable.WRITE)) {
            GoExecutable.TlsFunction function = withSymbols.function(name).orElseThrow();
            assertThat(function.returnOffsets()).isEqualTo(objdumpReturns(full, function));
            GoExecutable.TlsFunction fromTable = withoutSymbols.function(name).orElseThrow();
            assertThat(fromTable.foundVia()).isEqualTo("pclntab 1.2");
            assertThat(fromTable.address()).isEqualTo(function.address());
            assertThat(fromTable.returnOffsets()).isEqualTo(function.returnOffsets());
        }
    }

    @Test
    void dockersCliWithAndWithoutSymbols(@TempDir Path directory) throws Exception {
        Path docker = Path.of("/usr/local/bin/docker");
        assumeTrue(Files.isRegularFile(docker), "docker CLI present");
        Path stripped = directory.resolve("docker");
        Commands.run(List.of("strip", "-o", stripped.toString(), docker.toString()));

        GoExecutable original = inspect(docker);
        assertThat(original.buildInfo().goVersion()).isEqualTo(goVersionOf(GoToolchain.debian119(), docker));
        GoExecutable copy = inspect(stripped);
        assertThat(copy.functionTable()).isEqualTo("pclntab 1.20 in .data.rel.ro"); // merged by the external linker
        for (String name : List.of(GoExecutable.READ, GoExecutable.WRITE)) {
            GoExecutable.TlsFunction function = original.function(name).orElseThrow();
            assertThat(function.returnOffsets()).isEqualTo(objdumpReturns(docker, function));
            GoExecutable.TlsFunction fromTable = copy.function(name).orElseThrow();
            assertThat(fromTable.foundVia()).isEqualTo("pclntab 1.20");
            assertThat(fromTable.address()).isEqualTo(function.address());
            assertThat(fromTable.returnOffsets()).isEqualTo(function.returnOffsets());
        }
    }

    private static GoExecutable inspect(Path file) throws ElfException {
        try (ElfBinary elf = ElfBinary.open(file)) {
            return GoExecutable.inspect(elf).orElseThrow();
        }
    }

    /** "go1.19.8" from `go version FILE`. */
    private static String goVersionOf(GoToolchain go, Path file) {
        String output = Commands.run(List.of(go.goCommand().toString(), "version", file.toString()));
        return output.substring(output.indexOf(": ") + 2).strip();
    }

    /** File offsets of the RETs objdump shows in the function. */
    private static List<Long> objdumpReturns(Path file, GoExecutable.TlsFunction function) {
        Objdump.Section text = Objdump.section(file, ".text");
        String listing = Commands.run(List.of("objdump", "-d", "--no-show-raw-insn",
                "--start-address=0x" + Long.toHexString(function.address()),
                "--stop-address=0x" + Long.toHexString(function.address() + function.size()), file.toString()));
        Matcher ret = RET.matcher(listing);
        List<Long> offsets = new ArrayList<>();
        while (ret.find()) {
            offsets.add(Long.parseUnsignedLong(ret.group(1), 16) - text.address() + text.fileOffset());
        }
        return offsets;
    }
}
