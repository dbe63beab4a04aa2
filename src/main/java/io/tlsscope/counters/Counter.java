package io.tlsscope.counters;

import java.util.Locale;

/**
 * One counter of the service: its stable name (what REST, Prometheus and JMX show), whether it is a
 * total since start or a level that may go down, and what it counts.
 */
public record Counter(String name, Kind kind, String description) {

    public enum Kind {
        /** Counted since the service started; only grows. Prometheus counter. */
        TOTAL,
        /** How many now (clients, libraries); goes up and down. Prometheus gauge. */
        LEVEL;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Counter total(String name, String description) {
        return new Counter(name, Kind.TOTAL, description);
    }

    public static Counter level(String name, String description) {
        return new Counter(name, Kind.LEVEL, description);
    }

    /** This counter with a value read now. */
    public CounterReading reading(long value) {
        return new CounterReading(this, value);
    }
}
