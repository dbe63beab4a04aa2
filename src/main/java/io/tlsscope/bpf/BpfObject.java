package io.tlsscope.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A BPF ELF object opened from memory, then loaded into the kernel. Owns its programs, maps and a
 * shared arena (the ELF bytes, which libbpf keeps referring to). Not thread-safe while opening and
 * loading; its maps may be used from any thread afterwards. Closing destroys every map and program
 * (links must be closed first; {@link BpfLink} holds its own kernel reference).
 */
public final class BpfObject implements AutoCloseable {
    private final Arena arena;
    private final String name;
    private MemorySegment object;

    private BpfObject(Arena arena, String name, MemorySegment object) {
        this.arena = arena;
        this.name = name;
        this.object = object;
    }

    /** bpf_object__open_mem: parses the object; nothing reaches the kernel yet. */
    public static BpfObject open(byte[] elfObject, String name) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment bytes = arena.allocate(elfObject.length, 8);
            MemorySegment.copy(elfObject, 0, bytes, ValueLayout.JAVA_BYTE, 0, elfObject.length);
            MemorySegment options = arena.allocate(Libbpf.OPEN_OPTS);
            options.set(ValueLayout.JAVA_LONG, 0, Libbpf.OPEN_OPTS.byteSize());
            options.set(ValueLayout.ADDRESS, 8, arena.allocateFrom(name));
            MemorySegment capture = arena.allocate(Libbpf.CAPTURE_LAYOUT);
            MemorySegment object = (MemorySegment) Libbpf.OBJECT_OPEN_MEM.invokeExact(capture, bytes, bytes.byteSize(), options);
            if (object.equals(MemorySegment.NULL)) {
                throw new LibbpfException("open BPF object " + name + " (" + elfObject.length + " bytes)", Libbpf.errno(capture));
            }
            return new BpfObject(arena, name, object);
        } catch (Throwable e) {
            arena.close();
            throw Libbpf.rethrow("open BPF object " + name, e);
        }
    }

    /** Sets the initial .rodata (the object's const volatile globals); before load only. */
    public void setRodata(byte[] initialValue) {
        MemorySegment map = rodataMap();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment value = call.allocateFrom(ValueLayout.JAVA_BYTE, initialValue);
            int expected = (int) Libbpf.MAP_VALUE_SIZE.invokeExact(map);
            if (expected != initialValue.length) {
                throw new IllegalArgumentException("set .rodata of " + name + ": section has " + expected
                        + " bytes, value has " + initialValue.length);
            }
            LibbpfException.check((int) Libbpf.MAP_SET_INITIAL_VALUE.invokeExact(map, value, value.byteSize()),
                    "set .rodata of " + name);
        } catch (Throwable e) {
            throw Libbpf.rethrow("set .rodata of " + name, e);
        }
    }

    private MemorySegment rodataMap() {
        MemorySegment map = MemorySegment.NULL;
        try {
            while (true) {
                map = (MemorySegment) Libbpf.OBJECT_NEXT_MAP.invokeExact(handle(), map);
                if (map.equals(MemorySegment.NULL)) {
                    throw new IllegalArgumentException("BPF object " + name + " has no .rodata section");
                }
                if (BpfMap.nameOf(map).endsWith(".rodata")) {
                    return map;
                }
            }
        } catch (Throwable e) {
            throw Libbpf.rethrow("find .rodata of " + name, e);
        }
    }

    /** Resizes a map (e.g. the ring buffer) before load. */
    public void setMaxEntries(String mapName, int maxEntries) {
        MemorySegment map = findMap(mapName);
        try {
            LibbpfException.check((int) Libbpf.MAP_SET_MAX_ENTRIES.invokeExact(map, maxEntries),
                    "set max entries of map " + mapName + " to " + maxEntries);
        } catch (Throwable e) {
            throw Libbpf.rethrow("set max entries of map " + mapName, e);
        }
    }

    /** bpf_object__load: creates the maps, verifies and loads every program. */
    public void load() {
        try {
            LibbpfException.check((int) Libbpf.OBJECT_LOAD.invokeExact(handle()), "load BPF object " + name);
        } catch (Throwable e) {
            throw Libbpf.rethrow("load BPF object " + name, e);
        }
    }

    public BpfProgram program(String programName) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment program = (MemorySegment) Libbpf.OBJECT_FIND_PROGRAM.invokeExact(handle(), call.allocateFrom(programName));
            if (program.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("BPF object " + name + " has no program " + programName);
            }
            return new BpfProgram(program, programName);
        } catch (Throwable e) {
            throw Libbpf.rethrow("find program " + programName, e);
        }
    }

    public BpfMap map(String mapName) {
        return new BpfMap(findMap(mapName), mapName);
    }

    private MemorySegment findMap(String mapName) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment map = (MemorySegment) Libbpf.OBJECT_FIND_MAP.invokeExact(handle(), call.allocateFrom(mapName));
            if (map.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException("BPF object " + name + " has no map " + mapName);
            }
            return map;
        } catch (Throwable e) {
            throw Libbpf.rethrow("find map " + mapName, e);
        }
    }

    private MemorySegment handle() {
        if (object == null) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
        return object;
    }

    /** Idempotent: bpf_object__close, then frees the ELF bytes. */
    @Override
    public synchronized void close() {
        if (object == null) {
            return;
        }
        try {
            Libbpf.OBJECT_CLOSE.invokeExact(object);
        } catch (Throwable e) {
            throw Libbpf.rethrow("close BPF object " + name, e);
        } finally {
            object = null;
            arena.close();
        }
    }
}
