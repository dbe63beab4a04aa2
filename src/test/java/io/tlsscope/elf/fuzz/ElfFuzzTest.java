package io.tlsscope.elf.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.golang.GoConnLayout;
import io.tlsscope.golang.GoConnLayouts;
import io.tlsscope.golang.GoDwarf;
import io.tlsscope.golang.GoExecutable;
import io.tlsscope.golang.GoFunctionTable;
import io.tlsscope.openssl.OpenSslLayouts;
import io.tlsscope.openssl.OpenSslVersion;
import io.tlsscope.openssl.OpenSslVersionDetector;
import io.tlsscope.testsupport.ElfImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer) of every parser of files the traced processes control: the ELF
 * reader, the Go function table (pclntab), Go's DWARF, the Go build info and the OpenSSL version
 * banner. Each input goes through a real file and {@link ElfBinary}, as the tracer reads it. The
 * only failure allowed is {@link ElfException} with the file in its message: anything else, a
 * hang (Jazzer's timeout) or an allocation beyond the heap is a finding. Without JAZZER_FUZZ these
 * run as regression tests over the seeds (scripts/elf-fuzz-seeds.py: real binaries' bytes, cut to
 * what each parser reads) and earlier findings, in
 * src/test/resources/io/tlsscope/elf/fuzz/ElfFuzzTestInputs/&lt;target&gt;; scripts/fuzz.sh fuzzes
 * each target for a bounded time. The plain tests below prove the seeds reach the deep paths.
 */
class ElfFuzzTest {
    private static final Path INPUTS = Path.of("src/test/resources/io/tlsscope/elf/fuzz/ElfFuzzTestInputs");
    private static final Path DIRECTORY = temporaryDirectory();
    private static final int ELFCOMPRESS_ZLIB = 1;

    /** A whole file: everything the tracer reads of a library or executable it may attach to. */
    @FuzzTest
    void elfFile(byte[] input) {
        try (ElfBinary elf = ElfBinary.open(file("libssl.so.3", input))) {
            for (String function : List.of("SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex", "SSL_set_fd", "SSL_free")) {
                elf.symbolFileOffset(function);
            }
            elf.buildId();
            elf.neededLibraries();
            elf.isSharedObject();
            OpenSslLayouts.builtIn().choose(OpenSslVersionDetector.detect(elf));
            GoExecutable.inspect(elf);
        } catch (ElfException expected) {
            assertReadable(expected);
        }
    }

    /** The bytes of a .gopclntab; .text covers every address, so any textStart is plausible. */
    @FuzzTest
    void pclntab(byte[] input) {
        try (ElfBinary elf = ElfBinary.open(file("go", pclntabImage(input)))) {
            Optional<GoFunctionTable> table = GoFunctionTable.find(elf);
            if (table.isPresent()) {
                table.get().function(GoExecutable.READ);
                table.get().function(GoExecutable.WRITE);
            }
        } catch (ElfException expected) {
            assertReadable(expected);
        }
    }

    /**
     * A mode byte (plain; .debug_info compressed the ELF way or as .zdebug by this harness; or the
     * info bytes taken as an SHF_COMPRESSED section as they are), a 4-byte little-endian length of
     * .debug_abbrev, its bytes, then .debug_info.
     */
    @FuzzTest
    void dwarf(byte[] input) {
        try (ElfBinary elf = ElfBinary.open(file("go", dwarfImage(input)))) {
            GoDwarf.connLayout(elf);
        } catch (ElfException expected) {
            assertReadable(expected);
        }
    }

    /** An 8-byte little-endian load address, then the .go.buildinfo section loaded there; read as a Go executable. */
    @FuzzTest
    void goBuildInfo(byte[] input) {
        try (ElfBinary elf = ElfBinary.open(file("go", buildInfoImage(input)))) {
            GoExecutable.inspect(elf);
        } catch (ElfException expected) {
            assertReadable(expected);
        }
    }

    /** The .rodata of a library named libssl.so.3: its version and the layout chosen for it. */
    @FuzzTest
    void openSslVersion(byte[] input) {
        try (ElfBinary elf = ElfBinary.open(file("libssl.so.3", rodataImage(input)))) {
            OpenSslLayouts.builtIn().choose(OpenSslVersionDetector.detect(elf));
        } catch (ElfException expected) {
            assertReadable(expected);
        }
    }

    @Test
    void pclntabSeedsFindTheTlsFunctions() throws Exception {
        for (Path seed : seeds("pclntab")) {
            try (ElfBinary elf = ElfBinary.open(file("go", pclntabImage(Files.readAllBytes(seed))))) {
                GoFunctionTable table = GoFunctionTable.find(elf).orElseThrow();
                for (String name : List.of(GoExecutable.READ, GoExecutable.WRITE)) {
                    GoFunctionTable.Function function = table.function(name).orElseThrow();
                    assertThat(function.end()).as("%s in %s", name, seed).isGreaterThan(function.entry());
                }
            }
        }
    }

    @Test
    void dwarfSeedsGiveTheLayoutOfTheirGoVersionEveryWayCompressed() throws Exception {
        for (Path seed : seeds("dwarf")) {
            String goVersion = seed.getFileName().toString().equals("docker") ? "go1.24" : seed.getFileName().toString();
            GoConnLayout table = GoConnLayouts.builtIn().forVersion(goVersion).orElseThrow();
            byte[] input = Files.readAllBytes(seed);
            for (int mode = 0; mode < 3; mode++) {
                input[0] = (byte) mode;
                try (ElfBinary elf = ElfBinary.open(file("go", dwarfImage(input)))) {
                    GoConnLayout fromDwarf = GoDwarf.connLayout(elf).orElseThrow();
                    assertThat(List.of(fromDwarf.connDataOffset(), fromDwarf.tcpConnFdOffset(), fromDwarf.netFdSysfdOffset()))
                            .as("%s, mode %d", seed, mode)
                            .isEqualTo(List.of(table.connDataOffset(), table.tcpConnFdOffset(), table.netFdSysfdOffset()));
                }
            }
        }
    }

    @Test
    void buildInfoSeedsNameTheirGoVersion() throws Exception {
        for (Path seed : seeds("goBuildInfo")) {
            try (ElfBinary elf = ElfBinary.open(file("go", buildInfoImage(Files.readAllBytes(seed))))) {
                String version = GoExecutable.inspect(elf).orElseThrow().buildInfo().goVersion();
                assertThat(version).as("%s", seed).startsWith(seed.getFileName().toString().equals("docker") ? "go1.24"
                        : seed.getFileName().toString());
            }
        }
    }

    @Test
    void openSslSeedsCarryTheirBanner() throws Exception {
        for (Path seed : seeds("openSslVersion")) {
            try (ElfBinary elf = ElfBinary.open(file("libssl.so.3", rodataImage(Files.readAllBytes(seed))))) {
                OpenSslVersion version = OpenSslVersionDetector.detect(elf).exact().orElseThrow();
                assertThat(version.text()).as("%s", seed).startsWith("OpenSSL " + version.number());
            }
        }
    }

    private static byte[] pclntabImage(byte[] table) {
        return new ElfImage().emptySection(".text", 1, Long.MAX_VALUE - 1)
                .section(".gopclntab", ElfImage.SHT_PROGBITS, ElfImage.SHF_ALLOC, 0, table).bytes();
    }

    static byte[] dwarfImage(byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        int mode = in.hasRemaining() ? in.get() & 3 : 0;
        int abbrevLength = in.remaining() >= 4 ? Math.min(in.remaining() - 4, Math.max(0, in.getInt())) : 0;
        byte[] abbrev = new byte[abbrevLength];
        in.get(abbrev);
        byte[] info = new byte[in.remaining()];
        in.get(info);
        ElfImage image = new ElfImage().section(".debug_abbrev", ElfImage.SHT_PROGBITS, 0, 0, abbrev);
        return switch (mode) {
            case 1 -> image.section(".debug_info", ElfImage.SHT_PROGBITS, ElfImage.SHF_COMPRESSED, 0,
                    concat(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(ELFCOMPRESS_ZLIB).putInt(0)
                            .putLong(info.length).putLong(1).array(), zlib(info))).bytes();
            case 2 -> image.section(".zdebug_info", ElfImage.SHT_PROGBITS, 0, 0,
                    concat(ByteBuffer.allocate(12).put("ZLIB".getBytes()).putLong(info.length).array(), zlib(info))).bytes();
            case 3 -> image.section(".debug_info", ElfImage.SHT_PROGBITS, ElfImage.SHF_COMPRESSED, 0, info).bytes();
            default -> image.section(".debug_info", ElfImage.SHT_PROGBITS, 0, 0, info).bytes();
        };
    }

    private static byte[] buildInfoImage(byte[] input) {
        long address = input.length >= 8 ? ByteBuffer.wrap(input, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() : 0;
        byte[] section = Arrays.copyOfRange(input, Math.min(8, input.length), input.length);
        return new ElfImage().section(".go.buildinfo", ElfImage.SHT_PROGBITS, ElfImage.SHF_ALLOC, address, section).bytes();
    }

    private static byte[] rodataImage(byte[] rodata) {
        return new ElfImage().section(".rodata", ElfImage.SHT_PROGBITS, ElfImage.SHF_ALLOC, 0x1000, rodata).bytes();
    }

    private static void assertReadable(ElfException failure) {
        assertThat(failure.getMessage()).startsWith("read ELF " + DIRECTORY);
    }

    /** The input as a file of that name: the tracer reads files, and file names matter (libssl.so.3). */
    private static Path file(String name, byte[] contents) {
        try {
            Path file = Files.write(DIRECTORY.resolve(name), contents);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> seeds(String target) throws IOException {
        try (Stream<Path> files = Files.list(INPUTS.resolve(target))) {
            List<Path> seeds = files.filter(path -> !path.getFileName().toString().startsWith("finding-")).sorted().toList();
            assertThat(seeds).as("seeds of %s", target).isNotEmpty();
            return seeds;
        }
    }

    private static byte[] zlib(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static Path temporaryDirectory() {
        try {
            // in memory where there is a tmpfs: a disk-backed file per input made fuzzing 17 times slower
            Path shm = Path.of("/dev/shm");
            Path directory = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "tlsscope-elf-fuzz")
                    : Files.createTempDirectory("tlsscope-elf-fuzz");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
