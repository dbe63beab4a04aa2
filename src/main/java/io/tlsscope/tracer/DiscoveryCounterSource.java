package io.tlsscope.tracer;

import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import io.tlsscope.discovery.LibraryRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The library registry's counters: libraries known now, attach failures, reused inodes. */
@ApplicationScoped
public class DiscoveryCounterSource implements CounterSource {
    private static final Counter ATTACHED = Counter.level("libraries.attached", "TLS library inodes known now");
    private static final Counter ATTACH_FAILURES = Counter.total("libraries.attach-failures",
            "library inodes whose probes could not be attached");
    private static final Counter INODES_REUSED = Counter.total("libraries.inodes-reused",
            "known inodes found holding another file (old one deleted), attached afresh");

    private final Tracer tracer;

    public DiscoveryCounterSource(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public String owner() {
        return "discovery";
    }

    @Override
    public List<CounterReading> read() {
        Optional<LibraryRegistry> registry = tracer.running().map(Tracer.Running::registry);
        return List.of(ATTACHED.reading(registry.map(known -> (long) known.snapshots().size()).orElse(0L)),
                ATTACH_FAILURES.reading(registry.map(LibraryRegistry::attachFailures).orElse(0L)),
                INODES_REUSED.reading(registry.map(LibraryRegistry::inodesReused).orElse(0L)));
    }
}
