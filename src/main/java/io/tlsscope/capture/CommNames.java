package io.tlsscope.capture;

import io.tlsscope.bpf.abi.KernelAbi;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The process names (comm, 16 bytes, NUL-padded) of a decoder's records as Strings. Every record
 * carries its thread's name and the same few names recur, so each is decoded once, not per record:
 * recent names are remembered by their 16 bytes, read as two longs. Direct-mapped, so bounded at
 * {@link #SLOTS} names; two names sharing a slot only cost a decode each. One decoder's, used on
 * its thread only.
 */
final class CommNames {
    private static final int SLOTS = 64;

    private record Name(long low, long high, String text) {
    }

    private final Name[] slots = new Name[SLOTS];

    /** The comm at record[offset...] up to its first NUL, decoded as UTF-8. */
    String at(ByteBuffer record, int offset) {
        long low = record.getLong(offset);
        long high = record.getLong(offset + Long.BYTES);
        int hash = Long.hashCode(low * 0x9E3779B97F4A7C15L + high);
        int slot = (hash ^ hash >>> 16) & (SLOTS - 1);
        Name known = slots[slot];
        if (known != null && known.low() == low && known.high() == high) {
            return known.text();
        }
        String text = decode(record, offset);
        slots[slot] = new Name(low, high, text);
        return text;
    }

    private static String decode(ByteBuffer record, int offset) {
        byte[] bytes = new byte[KernelAbi.COMM_LEN];
        record.get(offset, bytes);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8);
    }
}
