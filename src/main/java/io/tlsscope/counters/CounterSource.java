package io.tlsscope.counters;

import java.util.List;

/**
 * A part of the service that owns counters. Every CDI bean implementing it is in the catalogue.
 * Thread-safe: read from request threads, metrics scrapes and JMX while the owner counts.
 */
public interface CounterSource {

    /** Who owns these counters, shown beside each (e.g. "kernel", "capture", "discovery"). */
    String owner();

    /**
     * Every counter of this source with its value now: the same counters every time, also before
     * the owner has started (then with the values it has, usually 0), so they can be registered once.
     */
    List<CounterReading> read();
}
