package io.tlsscope.capture;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** SSL calls and plaintext bytes captured through each library (by registry id), since start. */
public final class LibraryTraffic {
    /** Calls and bytes of one library. */
    public record Totals(long calls, long bytes) {
    }

    private record Adders(LongAdder calls, LongAdder bytes) {
    }

    private final Map<Integer, Adders> byLibrary = new ConcurrentHashMap<>();

    void count(int libraryId, int bytes, boolean callComplete) {
        Adders adders = byLibrary.computeIfAbsent(libraryId, id -> new Adders(new LongAdder(), new LongAdder()));
        adders.bytes().add(bytes);
        if (callComplete) {
            adders.calls().increment();
        }
    }

    Totals of(int libraryId) {
        Adders adders = byLibrary.get(libraryId);
        return adders == null ? new Totals(0, 0) : new Totals(adders.calls().sum(), adders.bytes().sum());
    }
}
