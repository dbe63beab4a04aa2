package io.tlsscope.tracer;

import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import io.tlsscope.kernel.KernelSession;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The kernel side's counters (per-CPU maps, ring-buffer reader, connection seeding) of the running session. */
@ApplicationScoped
public class KernelCounterSource implements CounterSource {
    private final Tracer tracer;

    public KernelCounterSource(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public String owner() {
        return "kernel";
    }

    @Override
    public List<CounterReading> read() {
        return tracer.running().map(running -> running.kernel().counterReadings()).orElseGet(KernelSession::idleCounterReadings);
    }
}
