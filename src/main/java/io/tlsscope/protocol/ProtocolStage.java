package io.tlsscope.protocol;

import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.collections.LruMap;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import io.tlsscope.events.TlsDataEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Where captured plaintext meets the database protocols, once per event and before anyone else
 * sees it: each connection is recognised once ({@link Recognition}); its session frames each
 * direction, blanks credentials in the captured bytes in place and decodes statements into query
 * events, in the same walk. Connections not (yet) recognised get the fail-closed
 * {@link UnrecognisedMask}. State is kept per connection id, which the kernel never reuses: a
 * freed SSL object's address carries a new id, so a new connection never inherits an old one's
 * state; an id ends when the kernel says so, or with its process. Events without an id (the
 * kernel could not keep one) get fresh state, never inherited state. Bounded: the least recently
 * active connections are forgotten first.
 *
 * <p>{@link #accept} runs on the capture thread only; the counters and
 * {@link #databaseConnections()} may be read from any thread.
 */
@ApplicationScoped
public class ProtocolStage implements CounterSource {
    private static final Logger LOG = Logger.getLogger(ProtocolStage.class);
    private static final int MAX_CONNECTIONS = 16384;
    /**
     * Memory for message bodies in flight over all connections: with each body kept up to 1 MiB,
     * 64 MiB lets 64 connections be in the middle of a 1 MiB statement at once; beyond it bodies
     * keep their first 256 bytes and are marked truncated.
     */
    private static final long KEPT_BYTES = 64L * 1024 * 1024;
    /** Rejected openings after which a connection is taken for no database connection. */
    private static final int RECOGNITION_ATTEMPTS = 4;

    private static final Counter QUERIES = Counter.total("decoder.queries",
            "statements decoded from captured connections (PostgreSQL, MySQL/MariaDB)");
    private static final Counter EVICTED = Counter.total("decoder.evicted-connections",
            "connections whose decoder state was dropped to stay within the connection limit");
    private static final Counter DESYNCS = Counter.total("decoder.desyncs",
            "times a connection's byte stream could not be framed (gap or garbage) and was resynchronised");
    private static final Counter FAILURES = Counter.total("decoder.failures",
            "events whose decoding threw (a decoder bug; the connection goes on)");
    private static final Counter CALL_GAPS = Counter.total("decoder.calls-missing",
            "calls missing from a connection's numbered sequence (lost in the ring buffer or unreadable): the decoder resynchronised");
    private static final Counter KEPT_NOW = Counter.level("decoder.kept-bytes",
            "bytes of message bodies in flight the decoders hold now beyond 256 per body (limit 64 MiB over all connections)");
    private static final Counter KEPT_REFUSED = Counter.total("decoder.kept-bytes-refused",
            "message bodies cut short because the decoders' memory for bodies in flight was used up (the statement keeps its prefix and real length)");
    private static final Counter UNRECOGNISED = Counter.total("decoder.unrecognised-connections",
            "connections left to the raw stream: their first calls were neither PostgreSQL nor MySQL");
    private static final Counter CONNECTIONS = Counter.level("decoder.connections",
            "connections with decoder and mask state now: each ends with the kernel's connection-closed record or its process's "
                    + "exit; at most 16384, the least recently active forgotten first (decoder.evicted-connections)");
    private static final Counter BLANKED_UNRECOGNISED = Counter.total("masks.unrecognised-blanked",
            "calls in which possible credentials were blanked because the connection's protocol was not recognised, or was "
                    + "recognised only from the middle of its stream and the connection was not yet past authentication (fail closed)");

    private final ConnectionOpenings openings = new ConnectionOpenings(Recognition.OPENING_BYTES);
    private final KeptBytes kept = new KeptBytes(KEPT_BYTES);
    /** What is known of each recognised connection, for readers on other threads. */
    private final Map<Long, ConnectionInfo> databases = new ConcurrentHashMap<>();
    private final List<QueryEvent> completed = new ArrayList<>();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong desyncs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong blankedUnrecognised = new AtomicLong();
    private final AtomicLong callGaps = new AtomicLong();
    private final AtomicLong unrecognised = new AtomicLong();
    /** The size of {@link #connections}, for readers on other threads (the map is the capture thread's). */
    private final AtomicLong tracked = new AtomicLong();
    private final Map<Long, Connection> connections = new LruMap<>(MAX_CONNECTIONS, (key, forgotten) -> {
        forgotten.release();
        evicted.incrementAndGet();
        databases.remove(key);
        forgetOne(forgotten.pid);
    });
    /** Connections per process, so an exit only looks through the connections when the process had some. */
    private final Map<Integer, Integer> connectionsPerPid = new HashMap<>();

    /** One connection as seen from one process. */
    private static final class Connection {
        final int pid;
        ProtocolSession session;
        long lastCall;
        int rejectedOpenings;
        boolean clientSide;
        final int[] nextChunk = new int[2];
        /** Bytes of the current call captured so far, per direction: where a tail's skipped bytes begin. */
        final long[] capturedInCall = new long[2];
        final UnrecognisedMask unrecognised = new UnrecognisedMask();
        /** What {@link #databases} holds for it: put again only when the session's knowledge changed (a login). */
        ConnectionInfo published;

        Connection(int pid) {
            this.pid = pid;
        }

        void release() {
            if (session != null) {
                session.release();
            }
        }
    }

    /**
     * Blanks credentials in the event's bytes (in place) and decodes them.
     *
     * @return the query events the bytes completed, in order; usually none
     */
    public List<QueryEvent> accept(TlsDataEvent event) {
        return accept(event, ResponseDirections.NONE);
    }

    /**
     * As {@link #accept(TlsDataEvent)}; a connection recognised here has its response direction
     * told to directions, so that the kernel's response budget applies to it.
     */
    public List<QueryEvent> accept(TlsDataEvent event, ResponseDirections directions) {
        long key = event.connectionId();
        Connection connection = key == 0 ? new Connection(event.pid()) : connections.get(key);
        if (connection == null) {
            connection = new Connection(event.pid());
            connections.put(key, connection);
            connectionsPerPid.merge(event.pid(), 1, Integer::sum);
            tracked.set(connections.size());
        }
        int direction = event.direction() == Direction.WRITE ? 0 : 1;
        boolean callsMissing = noteCall(connection, event);
        boolean chunkMissing = noteChunk(connection, event, direction);
        if (callsMissing) {
            connection.unrecognised.gap(0); // which direction lost a call is unknown: both
            connection.unrecognised.gap(1);
        } else if (chunkMissing) {
            connection.unrecognised.gap(direction);
        }
        long capturedBefore = event.chunkSequence() == 0 ? 0 : connection.capturedInCall[direction];
        long skippedBefore = Math.max(0, event.dataOffset() - capturedBefore);
        connection.capturedInCall[direction] = event.capturedThrough();
        byte[] earlier = connection.session == null ? recognise(key, connection, event, directions) : null;
        ProtocolSession session = connection.session;
        if (session == null || !session.masksExact()) {
            // not known, or only guessed from the middle of a stream: blank what could be credentials before anyone reads
            if (connection.unrecognised.apply(event.data(), direction)) {
                blankedUnrecognised.incrementAndGet();
            }
            if (session == null) {
                return List.of();
            }
        }
        long desyncsBefore = session.desyncs();
        boolean frontendBytes = (direction == 0) == connection.clientSide;
        try {
            if (callsMissing) {
                session.gap(true); // which direction lost a call is unknown: both resynchronise
                session.gap(false);
            } else if (chunkMissing) {
                session.gap(frontendBytes);
            }
            decode(session, event, frontendBytes, earlier, skippedBefore);
        } catch (RuntimeException e) {
            // a decoder bug must not stop the capture, nor leave the bytes unmasked: the direction is lost
            failures.incrementAndGet();
            session.gap(frontendBytes);
            LOG.debugf(e, "decoding an event of pid %d failed", event.pid());
        }
        desyncs.addAndGet(session.desyncs() - desyncsBefore);
        if (key != 0) {
            publish(key, connection, session.connection());
        } else {
            session.release(); // state for one event only: identity unknown
        }
        if (completed.isEmpty()) {
            return List.of(); // most events complete no statement
        }
        List<QueryEvent> done = List.copyOf(completed);
        completed.clear();
        queries.addAndGet(done.size());
        return done;
    }

    private void publish(long key, Connection connection, ConnectionInfo info) {
        if (connection.published != info) {
            databases.put(key, info);
            connection.published = info;
        }
    }

    /**
     * Whether calls of this connection went missing before this one: each call's first chunk
     * carries its number on the connection. A call that arrives after a later one (two threads
     * using one SSL object) is no gap.
     */
    private boolean noteCall(Connection connection, TlsDataEvent event) {
        if (event.chunkSequence() != 0 || event.callSequence() == 0) {
            return false;
        }
        long missing = event.callSequence() - connection.lastCall - 1;
        connection.lastCall = Math.max(connection.lastCall, event.callSequence());
        if (missing <= 0) {
            return false;
        }
        callGaps.addAndGet(missing);
        return true;
    }

    /** Whether a chunk of the call in this direction was lost before this one (records of one call come in order). */
    private static boolean noteChunk(Connection connection, TlsDataEvent event, int direction) {
        boolean missing = event.chunkSequence() != connection.nextChunk[direction] && event.chunkSequence() != 0;
        connection.nextChunk[direction] = event.lastChunk() ? 0 : event.chunkSequence() + 1;
        return missing;
    }

    /** The kernel ended a connection id (SSL_free, or its SSL object moved to another socket): its state goes. */
    public void connectionClosed(long connectionId) {
        Connection gone = connections.remove(connectionId);
        if (gone != null) {
            gone.release();
            forgetOne(gone.pid);
            tracked.set(connections.size());
        }
        databases.remove(connectionId);
        openings.recognised(connectionId);
    }

    /** A process exited: the state of its connections goes (Go has no SSL_free, processes exit without it). */
    public void processExited(int pid) {
        if (connectionsPerPid.remove(pid) == null) {
            return;
        }
        connections.entrySet().removeIf(entry -> {
            boolean gone = entry.getValue().pid == pid;
            if (gone) {
                entry.getValue().release();
                databases.remove(entry.getKey());
                openings.recognised(entry.getKey());
            }
            return gone;
        });
        tracked.set(connections.size());
    }

    private void forgetOne(int pid) {
        connectionsPerPid.computeIfPresent(pid, (ignored, count) -> count > 1 ? count - 1 : null);
    }

    /**
     * Tries to recognise the connection from the opening of the event's direction; on success
     * returns the opening's bytes from earlier calls (already published, so the session frames them
     * to stand at the right place in this call), else null.
     */
    private byte[] recognise(long key, Connection connection, TlsDataEvent event, ResponseDirections directions) {
        if (connection.rejectedOpenings >= RECOGNITION_ATTEMPTS) {
            return null;
        }
        ConnectionOpenings.Opening opening = openings.offer(key, event.direction(), event.data());
        if (opening == null) {
            return null; // too few bytes yet to tell (servers often read a packet header first)
        }
        boolean write = event.direction() == Direction.WRITE;
        ConnectionInfo info = new ConnectionInfo(event.connectionId(), event.pid(), event.comm(), event.tuple(), null, null, null, null);
        Optional<ProtocolSession> session = Recognition.recognise(opening.head(), write, info, completed::add, kept);
        if (session.isEmpty()) {
            openings.rejected(key);
            if (++connection.rejectedOpenings == RECOGNITION_ATTEMPTS) {
                unrecognised.incrementAndGet();
            }
            return null;
        }
        openings.recognised(key);
        connection.session = session.get();
        connection.clientSide = write;
        if (key != 0) {
            directions.responseDirection(key, write ? Direction.READ : Direction.WRITE);
        }
        return opening.earlierBytes();
    }

    private static void decode(ProtocolSession session, TlsDataEvent event, boolean frontendBytes, byte[] earlier,
                               long skippedBefore) {
        Instant time = event.time();
        if (earlier != null && earlier.length > 0) {
            feed(session, frontendBytes, earlier, time);
        }
        if (event.tail()) {
            session.tail(frontendBytes, skippedBefore, event.data(), time); // the response budget skipped the bytes before
            return;
        }
        feed(session, frontendBytes, event.data(), time);
        if (event.truncated() && event.lastChunk()) {
            // the call's bytes beyond the capture limit: skipped inside the message they belong to
            session.skip(frontendBytes, event.callBytes() - event.capturedThrough(), time);
        }
    }

    private static void feed(ProtocolSession session, boolean frontendBytes, byte[] bytes, Instant time) {
        if (frontendBytes) {
            session.frontend(bytes, time);
        } else {
            session.backend(bytes, time);
        }
    }

    /** The database connections being decoded now, as far as known (protocol, user, database); any thread. */
    public List<ConnectionInfo> databaseConnections() {
        return List.copyOf(databases.values());
    }

    @Override
    public String owner() {
        return "decoder";
    }

    @Override
    public List<CounterReading> read() {
        return List.of(QUERIES.reading(queries.get()), CONNECTIONS.reading(tracked.get()), EVICTED.reading(evicted.get()),
                DESYNCS.reading(desyncs.get()), FAILURES.reading(failures.get()), CALL_GAPS.reading(callGaps.get()),
                BLANKED_UNRECOGNISED.reading(blankedUnrecognised.get()), UNRECOGNISED.reading(unrecognised.get()),
                KEPT_NOW.reading(kept.used()), KEPT_REFUSED.reading(kept.refusals()));
    }
}
