package io.tlsscope.elf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bytes read from an ELF file (a section, a header table), read little-endian with every access
 * checked: an offset or a length taken from the file that points outside fails with
 * {@link ElfException} naming the file, the part and the values, never with an unchecked exception.
 * Offsets and lengths are longs so that a 64-bit value from the file is checked, not truncated.
 * A slice shares the bytes of its parent. Not thread-safe (a {@link Cursor} moves).
 */
public final class BoundedBytes {
    /** LEB128 values above 64 bits are malformed: 10 bytes carry 70 bits. */
    private static final int MAX_LEB128_BYTES = 10;

    private final String where;
    private final byte[] bytes;
    private final int base;
    private final int length;

    /** where: what the bytes are, for messages, e.g. "read ELF /usr/bin/docker: .gopclntab". */
    public BoundedBytes(String where, byte[] bytes) {
        this(where, bytes, 0, bytes.length);
    }

    private BoundedBytes(String where, byte[] bytes, int base, int length) {
        this.where = where;
        this.bytes = bytes;
        this.base = base;
        this.length = length;
    }

    /** No bytes at all, e.g. for a section a file does not have. */
    public static BoundedBytes empty(String where) {
        return new BoundedBytes(where, new byte[0]);
    }

    public int length() {
        return length;
    }

    /** The failure for a fact of these bytes that cannot be, e.g. a count too large for them. */
    public ElfException malformed(String reason) {
        return new ElfException(where + ": " + reason);
    }

    /** Bytes made from these (e.g. inflated), named after them in messages. */
    public BoundedBytes derived(String what, byte[] derivedBytes) {
        return new BoundedBytes(where + " " + what, derivedBytes);
    }

    public int u8(long at) throws ElfException {
        return Byte.toUnsignedInt(bytes[index(at, 1)]);
    }

    public int u16(long at) throws ElfException {
        int i = index(at, 2);
        return Byte.toUnsignedInt(bytes[i]) | Byte.toUnsignedInt(bytes[i + 1]) << 8;
    }

    /** A signed 32-bit value (Go's int32 offsets). */
    public int s32(long at) throws ElfException {
        int i = index(at, 4);
        return Byte.toUnsignedInt(bytes[i]) | Byte.toUnsignedInt(bytes[i + 1]) << 8
                | Byte.toUnsignedInt(bytes[i + 2]) << 16 | bytes[i + 3] << 24;
    }

    public long u32(long at) throws ElfException {
        return Integer.toUnsignedLong(s32(at));
    }

    /** A 64-bit value; unsigned in the file, so one above Long.MAX_VALUE comes out negative. */
    public long u64(long at) throws ElfException {
        index(at, 8);
        return u32(at) | u32(at + 4) << 32;
    }

    public byte[] copy(long at, long count) throws ElfException {
        int i = index(at, count);
        return Arrays.copyOfRange(bytes, i, i + (int) count);
    }

    /** count bytes from at, sharing these bytes. */
    public BoundedBytes slice(long at, long count) throws ElfException {
        return new BoundedBytes(where, bytes, index(at, count), (int) count);
    }

    /** The NUL-terminated string at, as UTF-8; malformed when no NUL ends it inside these bytes. */
    public String cString(long at) throws ElfException {
        int start = index(at, 0);
        return new String(bytes, start, cStringLength(at), StandardCharsets.UTF_8);
    }

    /** Length of the NUL-terminated string at, without its NUL. */
    private int cStringLength(long at) throws ElfException {
        int start = index(at, 0);
        int end = start;
        int limit = base + length;
        while (end < limit && bytes[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw malformed("the string at 0x" + Long.toHexString(at) + " has no terminating NUL");
        }
        return end - start;
    }

    /** Whether the NUL-terminated string at is exactly wanted; false when it would run past the end. */
    public boolean cStringEquals(long at, byte[] wanted) {
        if (at < 0 || at > length - wanted.length - 1L) {
            return false;
        }
        int start = base + (int) at;
        return Arrays.equals(bytes, start, start + wanted.length, wanted, 0, wanted.length) && bytes[start + wanted.length] == 0;
    }

    /** The bytes as ISO-8859-1 text, one char a byte (for searching binary data with a regex). */
    public String latin1() {
        return new String(bytes, base, length, StandardCharsets.ISO_8859_1);
    }

    public Cursor cursor(long at) throws ElfException {
        return new Cursor(index(at, 0) - base);
    }

    /** Array index of count bytes at offset at, or a failure naming both when they are not all inside. */
    private int index(long at, long count) throws ElfException {
        if (at < 0 || count < 0 || at > length - count) {
            throw malformed(count + " bytes at 0x" + Long.toHexString(at) + " are outside its 0x"
                    + Integer.toHexString(length) + " bytes");
        }
        return base + (int) at;
    }

    /** Sequential reads from a position that only moves inside the bytes. */
    public final class Cursor {
        private int position;

        private Cursor(int position) {
            this.position = position;
        }

        public int position() {
            return position;
        }

        /** The failure for a fact that cannot be, with the cursor's position. */
        public ElfException malformed(String reason) {
            return BoundedBytes.this.malformed(reason + " (at 0x" + Integer.toHexString(position) + ")");
        }

        public boolean hasRemaining() {
            return position < length;
        }

        public Cursor seek(long at) throws ElfException {
            position = index(at, 0) - base;
            return this;
        }

        public Cursor skip(long count) throws ElfException {
            index(position, count);
            position += (int) count;
            return this;
        }

        public int u8() throws ElfException {
            int value = BoundedBytes.this.u8(position);
            position += 1;
            return value;
        }

        public int u16() throws ElfException {
            int value = BoundedBytes.this.u16(position);
            position += 2;
            return value;
        }

        public long u32() throws ElfException {
            long value = BoundedBytes.this.u32(position);
            position += 4;
            return value;
        }

        public long u64() throws ElfException {
            long value = BoundedBytes.this.u64(position);
            position += 8;
            return value;
        }

        /** A NUL-terminated string, the cursor after its NUL. */
        public String cString() throws ElfException {
            String value = BoundedBytes.this.cString(position);
            position += cStringLength(position) + 1;
            return value;
        }

        /** Unsigned LEB128 (DWARF 5 section 7.6, Go's varint); bits above 64 are malformed. */
        public long uleb() throws ElfException {
            long value = 0;
            for (int i = 0; i < MAX_LEB128_BYTES; i++) {
                int b = u8();
                if (i < 9 || (b & 0x7e) == 0) {
                    value |= (long) (b & 0x7f) << (7 * i);
                } else {
                    throw malformed("LEB128 value at 0x" + Integer.toHexString(position - i - 1) + " exceeds 64 bits");
                }
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw malformed("LEB128 value at 0x" + Integer.toHexString(position - MAX_LEB128_BYTES) + " is longer than "
                    + MAX_LEB128_BYTES + " bytes");
        }

        /** Signed LEB128. */
        public long sleb() throws ElfException {
            long value = 0;
            int shift = 0;
            int b;
            do {
                if (shift >= 7 * MAX_LEB128_BYTES) {
                    throw malformed("LEB128 value at 0x" + Integer.toHexString(position - MAX_LEB128_BYTES)
                            + " is longer than " + MAX_LEB128_BYTES + " bytes");
                }
                b = u8();
                value |= shift < 64 ? (long) (b & 0x7f) << shift : 0;
                shift += 7;
            } while ((b & 0x80) != 0);
            return shift < 64 && (b & 0x40) != 0 ? value | (-1L << shift) : value;
        }
    }
}
