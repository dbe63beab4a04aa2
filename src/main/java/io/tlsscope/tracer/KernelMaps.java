package io.tlsscope.tracer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodings of the simple map keys and values the tracer writes, in native byte order. */
final class KernelMaps {
    private KernelMaps() {
    }

    /** A __u32 / __s32 key, e.g. a library id or an array index. */
    static byte[] intKey(int value) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    /** Two __s32 fields, as struct tlsscope_layout and struct tlsscope_layout_choice are. */
    static byte[] intPair(int first, int second) {
        return ByteBuffer.allocate(2 * Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(first).putInt(second).array();
    }
}
