package io.tlsscope.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.fornwall.jelf.BackingFile;

/**
 * jelf's view of a file mapped into a MemorySegment. jelf's own mapping is a MappedByteBuffer
 * that is unmapped only when garbage collected, which keeps deleted libraries' inodes (and their
 * disk space) alive in this long-running service; a segment's arena unmaps it when closed.
 */
final class MappedElfFile implements BackingFile {
    private final MemorySegment file;
    private long position;

    MappedElfFile(MemorySegment file) {
        this.file = file;
    }

    @Override
    public void seek(long offset) {
        position = offset;
    }

    @Override
    public void skip(int bytes) {
        position += bytes;
    }

    @Override
    public short readUnsignedByte() {
        return (short) Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, position++));
    }

    @Override
    public int read(byte[] into) {
        int count = (int) Math.min(into.length, file.byteSize() - position);
        if (count <= 0) {
            return -1;
        }
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, position, into, 0, count);
        position += count;
        return count;
    }
}
