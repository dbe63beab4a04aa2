package io.tlsscope.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One map of a loaded {@link BpfObject}, used through its fd with byte-array keys and values in
 * the kernel's layout (see io.tlsscope.bpf.abi.KernelAbi). Thread-safe: each call is one syscall.
 */
public final class BpfMap {
    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    private static final int ENOENT = 2;

    private final MemorySegment map;
    private final String name;

    BpfMap(MemorySegment map, String name) {
        this.map = map;
        this.name = name;
    }

    static String nameOf(MemorySegment map) {
        try {
            return ((MemorySegment) Libbpf.MAP_NAME.invokeExact(map)).reinterpret(256).getString(0);
        } catch (Throwable e) {
            throw Libbpf.rethrow("read map name", e);
        }
    }

    public String name() {
        return name;
    }

    /** The kernel fd; -1 before the object is loaded. */
    public int fd() {
        try {
            return (int) Libbpf.MAP_FD.invokeExact(map);
        } catch (Throwable e) {
            throw Libbpf.rethrow("fd of map " + name, e);
        }
    }

    public int keySize() {
        try {
            return (int) Libbpf.MAP_KEY_SIZE.invokeExact(map);
        } catch (Throwable e) {
            throw Libbpf.rethrow("key size of map " + name, e);
        }
    }

    public int valueSize() {
        try {
            return (int) Libbpf.MAP_VALUE_SIZE.invokeExact(map);
        } catch (Throwable e) {
            throw Libbpf.rethrow("value size of map " + name, e);
        }
    }

    public void update(byte[] key, byte[] value, long flags) {
        checkSize("key", key, keySize());
        try (Arena call = Arena.ofConfined()) {
            int result = (int) Libbpf.MAP_UPDATE.invokeExact(fd(), segment(call, key), segment(call, value), flags);
            LibbpfException.check(result, "update map " + name);
        } catch (Throwable e) {
            throw Libbpf.rethrow("update map " + name, e);
        }
    }

    /**
     * Copies the value of key into valueOut; false when the key is absent. For per-CPU maps
     * valueOut holds one value per possible CPU, each rounded up to 8 bytes.
     */
    public boolean lookup(byte[] key, byte[] valueOut) {
        checkSize("key", key, keySize());
        try (Arena call = Arena.ofConfined()) {
            MemorySegment value = call.allocate(valueOut.length, 8);
            int result = (int) Libbpf.MAP_LOOKUP.invokeExact(fd(), segment(call, key), value);
            if (result == -ENOENT) {
                return false;
            }
            LibbpfException.check(result, "look up map " + name);
            MemorySegment.copy(value, ValueLayout.JAVA_BYTE, 0, valueOut, 0, valueOut.length);
            return true;
        } catch (Throwable e) {
            throw Libbpf.rethrow("look up map " + name, e);
        }
    }

    /** Removes key; false when it was absent. */
    public boolean delete(byte[] key) {
        checkSize("key", key, keySize());
        try (Arena call = Arena.ofConfined()) {
            int result = (int) Libbpf.MAP_DELETE.invokeExact(fd(), segment(call, key));
            if (result == -ENOENT) {
                return false;
            }
            LibbpfException.check(result, "delete from map " + name);
            return true;
        } catch (Throwable e) {
            throw Libbpf.rethrow("delete from map " + name, e);
        }
    }

    /** Every key, by walking bpf_map_get_next_key (a snapshot only if nobody writes meanwhile). */
    public List<byte[]> keys() {
        int size = keySize();
        List<byte[]> keys = new ArrayList<>();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment current = MemorySegment.NULL;
            MemorySegment next = call.allocate(size, 8);
            while (true) {
                int result = (int) Libbpf.MAP_NEXT_KEY.invokeExact(fd(), current, next);
                if (result == -ENOENT) {
                    return keys;
                }
                LibbpfException.check(result, "list keys of map " + name);
                keys.add(next.toArray(ValueLayout.JAVA_BYTE));
                current = call.allocate(size, 8).copyFrom(next);
            }
        } catch (Throwable e) {
            throw Libbpf.rethrow("list keys of map " + name, e);
        }
    }

    private static MemorySegment segment(Arena arena, byte[] bytes) {
        return arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
    }

    private void checkSize(String what, byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("map " + name + ": " + what + " has " + bytes.length + " bytes, map wants " + expected);
        }
    }
}
