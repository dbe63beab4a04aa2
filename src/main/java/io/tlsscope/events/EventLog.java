package io.tlsscope.events;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latest events in the order of their ids, shared by every subscriber: each reads it at its own
 * cursor, so publishing costs the same however many subscribers there are, and a resuming client
 * reads its replay from the same place as the live events. Bounded by count and by bytes (a raw
 * event holds up to a 16 KiB chunk): the oldest fall out.
 * <p>
 * Lock-free for any number of publishers: an id is claimed with one atomic increment, then its slot
 * is written with a compare-and-set. Readers never see an id before its event: they wait at an id
 * whose publisher has claimed it but not written it yet, so ids reach every reader in order, with
 * no gap. Eviction writes a tombstone; a publisher that stalled so long that its id was evicted
 * before it wrote it finds the tombstone and loses its event ({@link #lostUnwritten()}).
 */
final class EventLog {
    /** What an event costs besides its captured bytes (record, strings, references), roughly. */
    static final int EVENT_OVERHEAD = 256;

    /** The answer for an id that fell out (or was never written): readers count it as lost. */
    static final Sequenced GONE = new Sequenced(0, null);

    private final AtomicReferenceArray<Sequenced> slots;
    private final int mask;
    private final int maxEvents;
    private final long maxBytes;
    /** The newest id handed out (ids start at 1). */
    private final AtomicLong claimed = new AtomicLong();
    /** The oldest id that may still be held; every id below it is gone. */
    private final AtomicLong oldest = new AtomicLong(1);
    private final AtomicLong heldBytes = new AtomicLong();
    private final AtomicLong lostUnwritten = new AtomicLong();

    /**
     * @param maxEvents at most this many events are held (at least 1)
     * @param maxBytes  and at most this many bytes of them, but always the newest one
     */
    EventLog(int maxEvents, long maxBytes) {
        if (maxEvents < 1 || maxEvents > 1 << 30) {
            throw new IllegalArgumentException("the event log holds 1 to 2^30 events, not " + maxEvents);
        }
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        int capacity = Integer.highestOneBit(maxEvents - 1 | 1) << 1;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /** Gives the event the next id and holds it; evicts what no longer fits. Never blocks. */
    long append(StreamEvent event) {
        long id = claimed.incrementAndGet();
        Sequenced entry = new Sequenced(id, event);
        int index = (int) id & mask;
        while (true) {
            Sequenced current = slots.get(index);
            if (current != null && current.id() >= id) {
                lostUnwritten.incrementAndGet(); // evicted while this publisher was stalled between its two steps
                return id;
            }
            if (slots.compareAndSet(index, current, entry)) {
                release(current); // the slot's last tenant, evicted or about to be
                break;
            }
        }
        heldBytes.addAndGet(weight(event));
        evictBeyondBounds(id);
        return id;
    }

    private void evictBeyondBounds(long newest) {
        while (true) {
            long first = oldest.get();
            boolean tooMany = newest - first + 1 > maxEvents;
            boolean tooLarge = heldBytes.get() > maxBytes && first < newest;
            if (!tooMany && !tooLarge) {
                return;
            }
            if (oldest.compareAndSet(first, first + 1)) {
                tombstone(first);
            }
        }
    }

    /** Releases the event of an id that fell out; writes its tombstone even when its publisher has not written it yet. */
    private void tombstone(long id) {
        int index = (int) id & mask;
        Sequenced tombstone = new Sequenced(id, null);
        while (true) {
            Sequenced current = slots.get(index);
            if (current != null && (current.id() > id || current.id() == id && current.event() == null)) {
                return;
            }
            if (slots.compareAndSet(index, current, tombstone)) {
                release(current);
                return;
            }
        }
    }

    /** Whoever takes a held event out of its slot (a newer event or a tombstone) takes its bytes off the account. */
    private void release(Sequenced replaced) {
        if (replaced != null && replaced.event() != null) {
            heldBytes.addAndGet(-weight(replaced.event()));
        }
    }

    /**
     * The event with this id; {@link #GONE} when it fell out; null when it is not there yet (newer
     * than the newest, or claimed by a publisher that has not written it yet).
     */
    Sequenced read(long id) {
        if (id > claimed.get()) {
            return null;
        }
        if (id < oldest.get()) {
            return GONE;
        }
        Sequenced held = slots.get((int) id & mask);
        if (held == null || held.id() < id) {
            return oldest.get() > id ? GONE : null;
        }
        return held.id() == id && held.event() != null ? held : GONE;
    }

    /** At most this many events are held. */
    int maxEvents() {
        return maxEvents;
    }

    /** The newest id handed out; 0 before the first event. */
    long newest() {
        return claimed.get();
    }

    /** The oldest id that may still be held. */
    long oldest() {
        return oldest.get();
    }

    long heldBytes() {
        return heldBytes.get();
    }

    /** Events lost because their publisher stalled between claiming an id and writing it while the log moved past it. */
    long lostUnwritten() {
        return lostUnwritten.get();
    }

    static long weight(StreamEvent event) {
        return EVENT_OVERHEAD + (event instanceof TlsDataEvent data ? data.data().length : EVENT_OVERHEAD);
    }
}
