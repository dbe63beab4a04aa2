package io.tlsscope.sink.kafka;

import org.jboss.logging.Logger;

/**
 * The latest error the producer reported, for the readiness check, and a log line when errors
 * start (not one per record: an outage fails thousands). Thread-safe.
 */
final class SendErrors {
    private static final Logger LOG = Logger.getLogger(SendErrors.class);

    private volatile String last;
    private volatile long lastNanos;
    private volatile boolean logged;

    void record(Exception error) {
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        last = message;
        lastNanos = System.nanoTime();
        if (!logged) {
            logged = true;
            LOG.warnf("kafka sink: %s (records wait in the buffer up to tlsscope.kafka.buffer-bytes; see /q/health/ready and kafka.* counters)",
                    message);
        }
    }

    /** The sink recovered: the next error is logged again. */
    void recovered() {
        if (logged) {
            logged = false;
            LOG.info("kafka sink: the brokers acknowledge records again");
        }
    }

    /** The latest error if it happened within the last withinNanos, else null. */
    String recent(long nowNanos, long withinNanos) {
        String message = last;
        return message != null && nowNanos - lastNanos <= withinNanos ? message : null;
    }
}
