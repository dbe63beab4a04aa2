package io.tlsscope.bpf.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * One value of a struct of tlsscope.h, written field by field through the {@link StructLayout}'s
 * own handles, so a value can only be built in the order and at the offsets the mirror declares
 * (and KernelAbiTest checks against the header), never by the order of puts. Used for map keys and
 * values and .rodata, which are written rarely (at load, attach and seeding), not per event.
 */
public final class StructValue {
    private final StructLayout layout;
    /** Backed by longs: heap segments of long[] are 8-byte aligned, as the layouts require. */
    private final MemorySegment bytes;

    private StructValue(StructLayout layout) {
        this.layout = layout;
        this.bytes = MemorySegment.ofArray(new long[(int) ((layout.byteSize() + 7) / 8)]);
    }

    /** A zeroed value of the struct (padding stays zero). */
    public static StructValue of(StructLayout layout) {
        return new StructValue(layout);
    }

    /** Sets a 32-bit field; path names the field, through nested structs if needed (e.g. "tuple", "family"). */
    public StructValue setInt(int value, String... path) {
        layout.varHandle(elements(path)).set(bytes, 0L, value);
        return this;
    }

    public StructValue setShort(short value, String... path) {
        layout.varHandle(elements(path)).set(bytes, 0L, value);
        return this;
    }

    public StructValue setLong(long value, String... path) {
        layout.varHandle(elements(path)).set(bytes, 0L, value);
        return this;
    }

    /** Copies value into a byte-array field (e.g. an address); it must fit. */
    public StructValue setBytes(byte[] value, String... path) {
        MemoryLayout field = layout.select(elements(path));
        if (value.length > field.byteSize()) {
            throw new IllegalArgumentException(String.join(".", path) + " holds " + field.byteSize() + " bytes, got " + value.length);
        }
        MemorySegment.copy(value, 0, bytes, ValueLayout.JAVA_BYTE, layout.byteOffset(elements(path)), value.length);
        return this;
    }

    /** The value's bytes in the kernel's layout, as a map update or .rodata wants them. */
    public byte[] toBytes() {
        return Arrays.copyOf(bytes.toArray(ValueLayout.JAVA_BYTE), (int) layout.byteSize());
    }

    private static MemoryLayout.PathElement[] elements(String... path) {
        return Arrays.stream(path).map(name -> groupElement(name)).toArray(MemoryLayout.PathElement[]::new);
    }
}
