package io.tlsscope.counters;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every counter of the service in one list, kernel side included: each way data can be lost is one
 * of them. Gathered from the {@link CounterSource}s; what the REST API, Prometheus and JMX all show.
 */
@ApplicationScoped
public class CounterCatalogue {
    private final Instance<CounterSource> sources;

    public CounterCatalogue(Instance<CounterSource> sources) {
        this.sources = sources;
    }

    /**
     * Every counter with its value now, by name.
     *
     * @throws IllegalStateException when two sources declare the same name (a programming error)
     */
    public List<CounterValue> all() {
        List<CounterValue> values = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        for (CounterSource source : sources) {
            for (CounterReading reading : source.read()) {
                Counter counter = reading.counter();
                String earlier = owners.putIfAbsent(counter.name(), source.owner());
                if (earlier != null) {
                    throw new IllegalStateException("counter " + counter.name() + " is declared by " + earlier + " and " + source.owner());
                }
                values.add(new CounterValue(counter.name(), reading.value(), counter.kind().jsonName(), source.owner(),
                        counter.description()));
            }
        }
        values.sort(Comparator.comparing(CounterValue::name));
        return values;
    }
}
