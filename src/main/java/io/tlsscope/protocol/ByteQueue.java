package io.tlsscope.protocol;

import java.util.Arrays;

/**
 * Bytes of one direction of a connection waiting to be framed: appended call by call, taken from
 * the front message by message. Appending copies only the new bytes (the array grows by doubling
 * and is compacted when the front has been consumed), so a message that arrives in many small
 * calls costs linear, not quadratic, copying.
 */
public final class ByteQueue {
    private byte[] bytes = new byte[256];
    private int start;
    private int end;

    public void append(byte[] data) {
        if (bytes.length - end < data.length) {
            int size = size();
            byte[] target = size + data.length > bytes.length / 2
                    ? new byte[Math.max(bytes.length * 2, size + data.length)] : bytes;
            System.arraycopy(bytes, start, target, 0, size);
            bytes = target;
            start = 0;
            end = size;
        }
        System.arraycopy(data, 0, bytes, end, data.length);
        end += data.length;
    }

    public int size() {
        return end - start;
    }

    /** The byte at index from the front, 0-255. */
    public int unsignedByte(int index) {
        return bytes[start + index] & 0xFF;
    }

    /** The big-endian 32-bit integer at index from the front. */
    public int bigEndianInt(int index) {
        return unsignedByte(index) << 24 | unsignedByte(index + 1) << 16 | unsignedByte(index + 2) << 8 | unsignedByte(index + 3);
    }

    /** The little-endian 24-bit integer at index from the front. */
    public int littleEndian24(int index) {
        return unsignedByte(index) | unsignedByte(index + 1) << 8 | unsignedByte(index + 2) << 16;
    }

    /** Removes count bytes from the front and returns them. */
    public byte[] take(int count) {
        byte[] taken = Arrays.copyOfRange(bytes, start, start + count);
        start += count;
        return taken;
    }

    public void skip(int count) {
        start += count;
    }

    public void clear() {
        start = 0;
        end = 0;
        if (bytes.length > 1 << 16) {
            bytes = new byte[256]; // do not keep a large array for a connection that went wrong
        }
    }
}
