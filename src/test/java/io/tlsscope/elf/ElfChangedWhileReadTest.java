package io.tlsscope.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tlsscope.golang.GoExecutable;
import io.tlsscope.openssl.OpenSslVersionDetector;
import io.tlsscope.testsupport.GoToolchain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Libraries and executables belong to the traced processes and change under the tracer: a package
 * upgrade rewrites them, a container can truncate its files at any time. Copies of the system
 * libssl and of a Go build (with symbols and DWARF, and -s -w) are cut short before they are
 * opened, cut by another thread after they are opened and before their sections are read, and
 * overwritten in place: every read the tracer makes either fails with {@link ElfException}
 * naming the file and the reason, or gives the intact file's answer. Nothing else may escape
 * (with a mapping, a cut file raised SIGBUS, an InternalError).
 */
class ElfChangedWhileReadTest {
    private static final Path LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");
    private static final List<String> SSL_FUNCTIONS = List.of("SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex",
            "SSL_set_fd", "SSL_free");

    @TempDir
    static Path directory;
    private static List<Path> originals;

    @BeforeAll
    static void buildGoBinaries() throws Exception {
        GoToolchain go = GoToolchain.debian119();
        originals = List.of(LIBSSL, go.build("go-tls-pair", directory.resolve("go-full"), false),
                go.build("go-tls-pair", directory.resolve("go-stripped"), true));
    }

    @Test
    void copiesCutBeforeOpeningFailWithTheReason() throws Exception {
        for (Path original : originals) {
            byte[] whole = Files.readAllBytes(original);
            Path copy = Files.createDirectories(directory.resolve("cut")).resolve(original.getFileName());
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
            String intact = intactReading(copy);
            List<Long> insideSections = sectionsWithBytes(original).stream().map(Section::middle).toList();
            Set<Long> cuts = new TreeSet<>(insideSections);
            cuts.addAll(List.of(0L, 1L, 4L, 16L, 63L, 64L, 200L, whole.length / 2L, whole.length - 64L, whole.length - 1L));
            for (long size : cuts) {
                Files.write(copy, Arrays.copyOf(whole, (int) size));
                Throwable failure = catchThrowable(() -> assertThat(intactReading(copy)).isEqualTo(intact));
                if (failure != null || insideSections.contains(size)) {
                    // a cut that only removes padding after the last section loses nothing
                    assertThat(failure).as("%s cut to %d bytes", original, size).isInstanceOf(ElfException.class)
                            .hasMessageStartingWith("read ELF " + copy + ": ");
                }
            }
        }
    }

    @Test
    void copiesCutAfterOpeningFailWhereTheTracerReads() throws Exception {
        for (Path original : originals) {
            // same file name, own directory: what the file name and its neighbours say stays out of the comparison
            Path copy = Files.createDirectories(directory.resolve("open-cut")).resolve(original.getFileName());
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
            String intact = intactReading(copy);
            Set<String> failedAt = new TreeSet<>();
            for (Section section : sectionsWithBytes(original)) {
                Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
                try (ElfBinary elf = ElfBinary.open(copy)) {
                    CompletableFuture.runAsync(() -> truncate(copy, section.middle())).join();
                    Throwable failure = catchThrowable(() -> assertThat(readAsTheTracerDoes(elf))
                            .as("%s cut inside %s", original, section.name()).isEqualTo(intact));
                    if (failure != null) {
                        assertThat(failure).as("%s cut inside %s", original, section.name()).isInstanceOf(ElfException.class)
                                .hasMessageStartingWith("read ELF " + copy + ": ").hasMessageContaining("truncated");
                        failedAt.add(section.name());
                    }
                }
            }
            assertThat(failedAt).as("sections of %s whose loss the reading noticed", original)
                    .containsAll(readByTheTracer(original));
        }
    }

    @Test
    void copiesOverwrittenAfterOpeningFailOnlyWithTheReason() throws Exception {
        for (Path original : originals) {
            Path copy = Files.createDirectories(directory.resolve("rewritten")).resolve(original.getFileName());
            for (Section section : sectionsWithBytes(original)) {
                for (int seed = 0; seed < 4; seed++) {
                    Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
                    try (ElfBinary elf = ElfBinary.open(copy)) {
                        byte[] garbage = new byte[(int) Math.min(4096, section.size())];
                        new Random(seed).nextBytes(garbage);
                        overwrite(copy, section.offset() + (section.size() - garbage.length) / 2, garbage);
                        Throwable failure = catchThrowable(() -> readAsTheTracerDoes(elf));
                        if (failure != null) {
                            assertThat(failure).as("%s overwritten inside %s", original, section.name())
                                    .isInstanceOf(ElfException.class).hasMessageStartingWith("read ELF " + copy + ": ");
                        }
                    }
                }
            }
        }
    }

    /** Everything the tracer reads from a file it may attach to, as one text to compare. */
    private static String readAsTheTracerDoes(ElfBinary elf) throws ElfException {
        StringBuilder facts = new StringBuilder();
        for (String function : SSL_FUNCTIONS) {
            facts.append(function).append('=').append(elf.symbolFileOffset(function)).append('\n');
        }
        facts.append(elf.buildId()).append(elf.neededLibraries()).append(elf.isSharedObject()).append('\n');
        facts.append(OpenSslVersionDetector.detect(elf).text()).append('\n');
        facts.append(GoExecutable.inspect(elf));
        return facts.toString();
    }

    private static String intactReading(Path file) throws ElfException {
        try (ElfBinary elf = ElfBinary.open(file)) {
            return readAsTheTracerDoes(elf);
        }
    }

    /** What the tracer must read of each file (from what each file is), so their loss must be noticed. */
    private static Set<String> readByTheTracer(Path original) {
        if (original.equals(LIBSSL)) {
            return Set.of(".dynsym", ".dynstr", ".rodata", ".dynamic", ".note.gnu.build-id");
        }
        if (original.getFileName().toString().equals("go-full")) {
            return Set.of(".symtab", ".strtab", ".text", ".rodata", ".gopclntab", ".go.buildinfo", ".note.go.buildid",
                    ".debug_info", ".debug_abbrev");
        }
        return Set.of(".text", ".rodata", ".gopclntab", ".go.buildinfo", ".note.go.buildid");
    }

    private record Section(String name, long offset, long size) {
        long middle() {
            return offset + size / 2;
        }
    }

    private static List<Section> sectionsWithBytes(Path file) throws ElfException {
        List<Section> sections = new ArrayList<>();
        try (ElfBinary elf = ElfBinary.open(file)) {
            for (String name : sectionNames(file)) {
                elf.section(name).filter(section -> section.size() > 1 && section.hasFileBytes())
                        .ifPresent(section -> sections.add(new Section(name, section.fileOffset(), section.size())));
            }
        }
        return sections;
    }

    private static List<String> sectionNames(Path file) {
        String listing = io.tlsscope.testsupport.Commands.run(List.of("readelf", "-SW", file.toString()));
        List<String> names = new ArrayList<>();
        for (String line : listing.split("\n")) {
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^\\s*\\[\\s*\\d+]\\s+(\\S+)").matcher(line);
            if (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    private static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void overwrite(Path file, long at, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), at);
        }
    }
}
