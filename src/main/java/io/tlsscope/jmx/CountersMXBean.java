package io.tlsscope.jmx;

import java.util.Map;

/** io.tlsscope:type=Counters — every counter by name (the same as GET /api/v1/counters). */
public interface CountersMXBean {
    Map<String, Long> getCounters();
}
