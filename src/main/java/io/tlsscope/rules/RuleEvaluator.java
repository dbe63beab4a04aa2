package io.tlsscope.rules;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tlsscope.alerts.AlertDispatcher;
import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.alerts.blindspot.DecodedPorts;
import io.tlsscope.capture.CapturePipeline;
import io.tlsscope.events.EventBus;
import io.tlsscope.events.EventSubscription;
import io.tlsscope.events.StreamEvent;
import io.tlsscope.protocol.QueryEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The rule thread: takes query events from its own bounded bus subscription (when the thread falls
 * behind, the oldest are dropped and counted as rules.drops: judging never slows capture or
 * decoding), fills in both ends' processes, and runs the {@link RuleEngine}; alerts go to the
 * {@link AlertDispatcher}. Every statement is also noted by its server port for the blind-spot
 * checks (also with tlsscope.rules.enabled=false). The novelty baseline is saved every few seconds
 * and at shutdown.
 */
@ApplicationScoped
public class RuleEvaluator {
    private static final Logger LOG = Logger.getLogger(RuleEvaluator.class);
    private static final long BASELINE_SAVE_SECONDS = 10;

    private final RulesConfig config;
    private final EventBus bus;
    private final AlertDispatcher alerts;
    private final DecodedPorts decodedPorts;
    private final CapturePipeline capture;
    private final Baseline baseline;
    private final RuleEngine engine;
    private final String host;
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile EventSubscription subscription;
    private volatile Thread worker;
    private ScheduledExecutorService saver;

    public RuleEvaluator(RulesConfig config, EventBus bus, AlertDispatcher alerts, CapturePipeline capture, DecodedPorts decodedPorts) {
        this.config = config;
        this.decodedPorts = decodedPorts;
        this.bus = bus;
        this.alerts = alerts;
        this.capture = capture;
        this.baseline = new Baseline(config.baselineFile(), config.baselineMaxKeys());
        this.engine = new RuleEngine(baseline);
        this.host = config.host().orElseGet(RuleEvaluator::hostName);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unresolvable) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }

    RuleEngine engine() {
        return engine;
    }

    void onStart(@Observes StartupEvent start) {
        if (!config.enabled()) {
            LOG.info("rules: off (tlsscope.rules.enabled=false); statements are still watched for blind spots");
        }
        subscription = bus.subscribeInternal(Math.max(1, config.queueEvents()), event -> event instanceof QueryEvent);
        Object wake = new Object();
        subscription.onAvailable(() -> {
            synchronized (wake) {
                wake.notifyAll();
            }
        });
        ConnectionEnds ends = new ConnectionEnds(new TracedPeers(capture), Path.of("/proc"));
        worker = Thread.ofPlatform().name("tlsscope-rules").daemon().start(() -> run(wake, ends));
        saver = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tlsscope-baseline").daemon().factory());
        saver.scheduleWithFixedDelay(baseline::save, BASELINE_SAVE_SECONDS, BASELINE_SAVE_SECONDS, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        Thread current = worker;
        if (current != null) {
            current.interrupt();
        }
        if (subscription != null) {
            subscription.close();
        }
        if (saver != null) {
            saver.shutdownNow();
        }
        baseline.save();
    }

    private void run(Object wake, ConnectionEnds ends) {
        RuleEngine.Sink sink = new RuleEngine.Sink() {
            @Override
            public void fired(AlertEvent alert) {
                alerts.raise(alert);
            }

            @Override
            public void repeated(String alertId, long count, Instant last) {
                alerts.repeat(alertId, count, last);
            }
        };
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
                judge((QueryEvent) event, ends, sink);
            } catch (RuntimeException bug) {
                // a failure on one statement must not stop judging the next ones
                failures.incrementAndGet();
                LOG.debugf(bug, "judging a statement failed");
            }
        }
    }

    private void judge(QueryEvent query, ConnectionEnds ends, RuleEngine.Sink sink) {
        decodedPorts.record(query);
        if (!config.enabled()) {
            return;
        }
        Optional<ConnectionEnds.Ends> both = ends.of(query, System.nanoTime());
        if (both.isEmpty()) {
            duplicates.incrementAndGet();
            return;
        }
        ConnectionEnds.Ends known = both.get();
        engine.evaluate(QueryFacts.of(query, known.client(), known.server(), host, known.container()), sink);
    }

    /** Query events the rule thread could not take in time. */
    public long drops() {
        EventSubscription current = subscription;
        return current == null ? 0 : current.dropped();
    }

    /** Client-side events not judged because the server side of the same statement was. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Statements whose judging threw outside any rule (a bug; the next statements are judged). */
    public long failures() {
        return failures.get();
    }

    public long evaluated() {
        return engine.evaluated();
    }

    public long errors() {
        return engine.errors();
    }

    public long matches() {
        return engine.matches();
    }

    public RuleEngine.RuleStats statsOf(String ruleId) {
        return engine.statsOf(ruleId);
    }

    public Baseline baseline() {
        return baseline;
    }
}
