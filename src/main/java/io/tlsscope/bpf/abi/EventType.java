package io.tlsscope.bpf.abi;

/** enum tlsscope_event_type: the first u32 of every ring-buffer record. Append-only. */
public enum EventType {
    TLS_DATA(1),
    PROCESS_EXEC(2),
    PROCESS_EXIT(3),
    TLS_LIBRARY_MAPPED(4),
    PROCESS_FORK(5),
    CONNECTION_CLOSED(6);

    /** values() copies its array on every call, and this is looked up per ring-buffer record. */
    private static final EventType[] ALL = values();

    private final int value;

    EventType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The type with this wire value, or null for a value this build does not know. */
    public static EventType fromValue(int value) {
        for (EventType type : ALL) {
            if (type.value == value) {
                return type;
            }
        }
        return null;
    }
}
