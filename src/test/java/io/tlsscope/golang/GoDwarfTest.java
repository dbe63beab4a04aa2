package io.tlsscope.golang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.testsupport.GoToolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection layout read from real Go builds' DWARF (zlib .zdebug sections for Go 1.15,
 * SHF_COMPRESSED for 1.19+ and Docker's externally linked CLI) must equal the table's, which the
 * end-to-end tests prove against /proc; a build without DWARF has none.
 */
class GoDwarfTest {

    @Test
    void everyToolchainsDwarfAgreesWithTheTable(@TempDir Path directory) throws Exception {
        for (GoToolchain go : GoToolchain.all()) {
            Path binary = go.build("go-tls-pair", directory.resolve("pair-" + go.version()), false);
            assertThat(dwarfLayout(binary)).as("%s", go).hasValueSatisfying(layout -> assertMatchesTable(layout, "go" + go.version()));
            Path stripped = go.build("go-tls-pair", directory.resolve("stripped-" + go.version()), true);
            assertThat(dwarfLayout(stripped)).as("%s -s -w", go).isEmpty();
        }
    }

    @Test
    void dockersDwarfAgreesWithTheTable() throws ElfException {
        Path docker = Path.of("/usr/local/bin/docker");
        assumeTrue(Files.isRegularFile(docker), "docker CLI present");
        assertThat(dwarfLayout(docker)).hasValueSatisfying(layout -> assertMatchesTable(layout, "go1.24"));
    }

    private static Optional<GoConnLayout> dwarfLayout(Path binary) throws ElfException {
        try (ElfBinary elf = ElfBinary.open(binary)) {
            return GoDwarf.connLayout(elf);
        }
    }

    private static void assertMatchesTable(GoConnLayout fromDwarf, String goVersion) {
        GoConnLayout table = GoConnLayouts.builtIn().forVersion(goVersion).orElseThrow();
        assertThat(fromDwarf.connDataOffset()).isEqualTo(table.connDataOffset());
        assertThat(fromDwarf.tcpConnFdOffset()).isEqualTo(table.tcpConnFdOffset());
        assertThat(fromDwarf.netFdSysfdOffset()).isEqualTo(table.netFdSysfdOffset());
    }
}
