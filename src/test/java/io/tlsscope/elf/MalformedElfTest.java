package io.tlsscope.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.tlsscope.golang.GoDwarf;
import io.tlsscope.testsupport.ElfImage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files made to exhaust the reader: sizes, counts and lengths far beyond the file, a decompression
 * bomb, DWARF whose abbreviation tables overlap so that a naive reader does quadratic work. Each
 * fails with ElfException and the reason, having allocated little (measured for the bomb).
 */
class MalformedElfTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path directory;

    @Test
    void aSectionLargerThanTheFileIsRefusedWhenOpened() throws Exception {
        byte[] file = new ElfImage().section(".rodata", ElfImage.SHT_PROGBITS, ElfImage.SHF_ALLOC, 0x1000, new byte[64]).bytes();
        // section 1's sh_size: 1 TiB
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(sectionHeader(file, 1) + 32, 1L << 40);
        assertThatThrownBy(() -> open(file)).isInstanceOf(ElfException.class).hasMessageContaining("section 1 (.rodata)")
                .hasMessageContaining("outside the file's " + file.length + " bytes");
    }

    @Test
    void aSectionCountBeyondTheFileIsRefused() throws Exception {
        byte[] file = new ElfImage().section(".rodata", ElfImage.SHT_PROGBITS, ElfImage.SHF_ALLOC, 0x1000, new byte[64]).bytes();
        ByteBuffer header = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort(60, (short) 0); // e_shnum 0: the count is section 0's sh_size (extended numbering)
        header.putLong(sectionHeader(file, 0) + 32, 1L << 40);
        assertThatThrownBy(() -> open(file)).isInstanceOf(ElfException.class).hasMessageContaining("sections of 64 bytes cannot fit");
    }

    @Test
    void aNoteLongerThanItsSectionIsRefused() throws Exception {
        byte[] note = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(4).putInt(0xfffffff0).putInt(3)
                .put("GNU\0".getBytes()).array();
        byte[] file = new ElfImage().section(".note.gnu.build-id", 7, ElfImage.SHF_ALLOC, 0x1000, note).bytes();
        try (ElfBinary elf = open(file)) {
            assertThatThrownBy(elf::buildId).isInstanceOf(ElfException.class).hasMessageContaining("runs past the section's 16 bytes");
        }
    }

    @Test
    void aDecompressionBombIsRefusedBeforeItsMemoryIsTaken() throws Exception {
        byte[] zeros = zlibOfZeros(1 << 28); // 256 MiB that really inflate from about 256 KiB
        byte[] section = ByteBuffer.allocate(24 + zeros.length).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0)
                .putLong(1L << 28).putLong(1).put(zeros).array();
        byte[] file = new ElfImage().section(".debug_abbrev", ElfImage.SHT_PROGBITS, 0, 0, new byte[] {0})
                .section(".debug_info", ElfImage.SHT_PROGBITS, ElfImage.SHF_COMPRESSED, 0, section).bytes();
        try (ElfBinary elf = open(file)) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> GoDwarf.connLayout(elf)).isInstanceOf(ElfException.class)
                    .hasMessageContaining("declares 268435456 bytes inflated from " + zeros.length + " compressed, refused");
            assertThat(THREADS.getCurrentThreadAllocatedBytes() - before).as("bytes allocated").isLessThan(16L << 20);
        }
    }

    @Test
    void aZlibStreamLongerThanDeclaredIsRefused() throws Exception {
        byte[] stream = zlibOfZeros(4096);
        byte[] section = ByteBuffer.allocate(24 + stream.length).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0)
                .putLong(1024).putLong(1).put(stream).array();
        byte[] file = new ElfImage().section(".debug_abbrev", ElfImage.SHT_PROGBITS, 0, 0, new byte[] {0})
                .section(".debug_info", ElfImage.SHT_PROGBITS, ElfImage.SHF_COMPRESSED, 0, section).bytes();
        try (ElfBinary elf = open(file)) {
            assertThatThrownBy(() -> GoDwarf.connLayout(elf)).isInstanceOf(ElfException.class)
                    .hasMessageContaining("inflates past the 1024 bytes it declares");
        }
    }

    /**
     * 20,000 units, each naming an abbreviation table one byte after the previous one's, in a
     * .debug_abbrev that reads as one long table from any byte (all 0x0b: code 11, tag 11,
     * attributes of form data1): read naively, each table runs to the section's end, 200 million
     * bytes in all.
     */
    @Test
    void overlappingAbbreviationTablesAreRefused() throws Exception {
        byte[] abbrev = new byte[20_000 + 3]; // ends with a terminating attribute (0, 0) and code 0
        java.util.Arrays.fill(abbrev, 0, 20_000, (byte) 0x0b);
        ByteBuffer info = ByteBuffer.allocate(20_000 * 12).order(ByteOrder.LITTLE_ENDIAN);
        for (int unit = 0; unit < 20_000; unit++) {
            info.putInt(8).putShort((short) 4).putInt(unit).put((byte) 8).put((byte) 0); // v4 header, abbrev offset, no DIEs
        }
        byte[] file = new ElfImage().section(".debug_abbrev", ElfImage.SHT_PROGBITS, 0, 0, abbrev)
                .section(".debug_info", ElfImage.SHT_PROGBITS, 0, 0, info.array()).bytes();
        try (ElfBinary elf = open(file)) {
            assertThatThrownBy(() -> GoDwarf.connLayout(elf)).isInstanceOf(ElfException.class)
                    .hasMessageContaining("abbreviation tables overlap");
        }
    }

    @Test
    void aUnitLongerThanItsSectionIsRefused() throws Exception {
        byte[] info = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fffffff).putShort((short) 4).putInt(0)
                .put((byte) 8).array();
        byte[] file = new ElfImage().section(".debug_abbrev", ElfImage.SHT_PROGBITS, 0, 0, new byte[] {0})
                .section(".debug_info", ElfImage.SHT_PROGBITS, 0, 0, info).bytes();
        try (ElfBinary elf = open(file)) {
            assertThatThrownBy(() -> GoDwarf.connLayout(elf)).isInstanceOf(ElfException.class)
                    .hasMessageContaining("the unit at 0x0 claims 2147483647 bytes");
        }
    }

    @Test
    void anEndlessLeb128IsRefused() throws Exception {
        byte[] abbrev = new byte[64];
        java.util.Arrays.fill(abbrev, (byte) 0x80); // a code whose continuation bit never ends
        byte[] info = ByteBuffer.allocate(11).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putShort((short) 4).putInt(0)
                .put((byte) 8).array();
        byte[] file = new ElfImage().section(".debug_abbrev", ElfImage.SHT_PROGBITS, 0, 0, abbrev)
                .section(".debug_info", ElfImage.SHT_PROGBITS, 0, 0, info).bytes();
        try (ElfBinary elf = open(file)) {
            assertThatThrownBy(() -> GoDwarf.connLayout(elf)).isInstanceOf(ElfException.class)
                    .hasMessageContaining("is longer than 10 bytes");
        }
    }

    private ElfBinary open(byte[] file) throws Exception {
        return ElfBinary.open(Files.write(directory.resolve("crafted"), file));
    }

    /** File offset of section index's header in a file ElfImage wrote. */
    private static int sectionHeader(byte[] file, int index) {
        return (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(40) + 64 * index;
    }

    private static byte[] zlibOfZeros(int size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        byte[] chunk = new byte[1 << 16];
        for (int written = 0; written < size; written += zeros.length) {
            deflater.setInput(zeros, 0, Math.min(zeros.length, size - written));
            while (!deflater.needsInput()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return out.toByteArray();
    }
}
