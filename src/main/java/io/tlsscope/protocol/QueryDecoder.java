package io.tlsscope.protocol;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tlsscope.bpf.abi.Direction;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.EventSubscription;
import io.tlsscope.events.StreamEvent;
import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.mysql.MySqlSession;
import io.tlsscope.protocol.postgres.PgSession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Turns captured plaintext into query events: a thread of its own reads the raw events from the
 * bus (its bounded queue drops and counts, so decoding never slows the capture), keeps one
 * decoder per connection (process and SSL object), and publishes each decoded statement on the bus.
 * A connection is taken for PostgreSQL when one direction opens with a v3 startup packet, for MySQL
 * or MariaDB when it opens with a HandshakeResponse (the first packet after TLS starts), or, for
 * connections older than the capture, when it starts with a plausible PostgreSQL frontend message
 * or MySQL command packet; others are left to the raw stream.
 */
@ApplicationScoped
public class QueryDecoder {
    private static final Logger LOG = Logger.getLogger(QueryDecoder.class);
    private static final int QUEUE = 1 << 16;
    private static final int MAX_CONNECTIONS = 8192;
    /** Events a connection may show without being recognised before it is left alone. */
    private static final int UNRECOGNISED_LIMIT = 4;
    private static final int PROTOCOL_3 = 196608;
    private static final String FRONTEND_TYPES = "QPBEXHSDCFpdcf";

    private final EventBus bus;
    /** First bytes of connections not recognised yet: 8 tell a PostgreSQL startup or a MySQL login. */
    private final ConnectionOpenings openings = new ConnectionOpenings(8);
    private final Map<String, ConnectionState> connections = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ConnectionState> eldest) {
            boolean full = size() > MAX_CONNECTIONS;
            if (full) {
                evicted.incrementAndGet();
                if (eldest.getValue().session != null) {
                    desyncsOfEvicted.addAndGet(eldest.getValue().session.desyncs());
                }
            }
            return full;
        }
    };
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong decodeFailures = new AtomicLong();
    private final AtomicLong desyncsOfEvicted = new AtomicLong();
    private volatile EventSubscription subscription;
    private volatile Thread worker;

    /** What is known of one connection: its decoder once recognised, and the chunks expected next. */
    private static final class ConnectionState {
        ProtocolSession session;
        int unrecognised;
        boolean clientSide;
        final int[] nextChunk = new int[2];
    }

    public QueryDecoder(EventBus bus) {
        this.bus = bus;
    }

    void onStart(@Observes StartupEvent startup) {
        subscription = bus.subscribeInternal(QUEUE, event -> event instanceof TlsDataEvent);
        Object wake = new Object();
        subscription.onAvailable(() -> {
            synchronized (wake) {
                wake.notifyAll();
            }
        });
        worker = Thread.ofPlatform().name("tlsscope-query-decoder").daemon().start(() -> run(wake));
    }

    void onStop(@Observes ShutdownEvent shutdown) {
        Thread current = worker;
        if (current != null) {
            current.interrupt();
        }
        if (subscription != null) {
            subscription.close();
        }
    }

    private void run(Object wake) {
        while (!Thread.currentThread().isInterrupted()) {
            StreamEvent event = subscription.poll();
            if (event == null) {
                synchronized (wake) {
                    try {
                        wake.wait(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            try {
                decode((TlsDataEvent) event);
            } catch (RuntimeException e) {
                // a decoder bug must not stop decoding of the other connections
                decodeFailures.incrementAndGet();
                LOG.debugf(e, "decoding an event of pid %d failed", ((TlsDataEvent) event).pid());
            }
        }
    }

    private synchronized void decode(TlsDataEvent event) {
        String key = ConnectionKeys.of(event);
        ConnectionState state = connections.computeIfAbsent(key, ignored -> new ConnectionState());
        boolean write = event.direction() == Direction.WRITE;
        byte[] earlier = new byte[0];
        if (state.session == null) {
            if (state.unrecognised >= UNRECOGNISED_LIMIT) {
                return;
            }
            ConnectionOpenings.Opening opening = openings.offer(key, event.direction(), event.data());
            if (opening == null) {
                return; // too few bytes yet to tell (servers often read a packet header first)
            }
            if (!recognise(state, event, opening.head(), write)) {
                openings.rejected(key);
                state.unrecognised++;
                return;
            }
            openings.recognised(key);
            earlier = opening.earlierBytes();
        }
        int direction = write ? 0 : 1;
        boolean frontendBytes = write == state.clientSide;
        if (event.chunkSequence() != state.nextChunk[direction] && event.chunkSequence() != 0) {
            state.session.gap(frontendBytes); // a chunk of this call was lost
        }
        state.nextChunk[direction] = event.lastChunk() ? 0 : event.chunkSequence() + 1;
        if (earlier.length > 0) {
            feed(state, frontendBytes, earlier, event); // the opening's first pieces, held back until recognised
        }
        feed(state, frontendBytes, event.data(), event);
        if (event.truncated() && event.lastChunk()) {
            state.session.gap(frontendBytes); // the call's bytes beyond the capture cap are missing
        }
    }

    private static void feed(ConnectionState state, boolean frontendBytes, byte[] bytes, TlsDataEvent event) {
        if (frontendBytes) {
            state.session.frontend(bytes, event.time());
        } else {
            state.session.backend(bytes, event.time());
        }
    }

    /**
     * Whether the connection is PostgreSQL or MySQL, from the first bytes of one direction, and which
     * end this process is (the frontend's bytes are what the client writes and the server reads);
     * creates its decoder.
     */
    private boolean recognise(ConnectionState state, TlsDataEvent event, byte[] opening, boolean write) {
        String side = write ? "client" : "server";
        if (postgresStart(opening)) {
            state.session = new PgSession(side, connection(event, "postgresql"), this::publish);
        } else if (MySqlSession.startsWithHandshakeResponse(opening) || MySqlSession.plausibleCommandCall(opening)) {
            state.session = new MySqlSession(side, connection(event, "mysql"), this::publish);
        } else {
            return false;
        }
        state.clientSide = write;
        return true;
    }

    /** A v3 startup packet, or (connection older than the capture) a plausible frontend message. */
    private static boolean postgresStart(byte[] data) {
        if (data.length < 8) {
            return false;
        }
        ByteBuffer head = ByteBuffer.wrap(data);
        boolean startup = head.getInt(4) == PROTOCOL_3 && head.getInt(0) >= 8;
        return startup || FRONTEND_TYPES.indexOf((char) data[0]) >= 0 && plausibleLength(head.getInt(1));
    }

    private static ConnectionInfo connection(TlsDataEvent event, String protocol) {
        return new ConnectionInfo(event.pid(), event.comm(), event.tuple(), protocol, null, null, null);
    }

    private static boolean plausibleLength(int length) {
        return length >= 4 && length <= (1 << 20);
    }

    private void publish(QueryEvent query) {
        queries.incrementAndGet();
        bus.publish(query);
    }

    /** The database connections being decoded now, as far as known (protocol, user, database). */
    public synchronized List<ConnectionInfo> databaseConnections() {
        List<ConnectionInfo> known = new java.util.ArrayList<>();
        for (ConnectionState state : connections.values()) {
            if (state.session != null) {
                known.add(state.session.connection());
            }
        }
        return known;
    }

    public long queries() {
        return queries.get();
    }

    /** Raw events the decoder could not take in time (its queue was full). */
    public long drops() {
        EventSubscription current = subscription;
        return current == null ? 0 : current.dropped();
    }

    public long evictedConnections() {
        return evicted.get();
    }

    /** Resynchronisations over all connections, also those no longer tracked. */
    public synchronized long desyncs() {
        long live = 0;
        for (ConnectionState state : connections.values()) {
            live += state.session == null ? 0 : state.session.desyncs();
        }
        return live + desyncsOfEvicted.get();
    }

    public long decodeFailures() {
        return decodeFailures.get();
    }
}
