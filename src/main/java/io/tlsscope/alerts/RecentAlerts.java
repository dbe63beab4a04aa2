package io.tlsscope.alerts;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The latest alerts (tlsscope.alerts.recent), with counts brought up to date while their windows last. Thread-safe. */
@ApplicationScoped
public class RecentAlerts {
    private final Map<String, AlertEvent> byId;

    public RecentAlerts(AlertsConfig config) {
        int limit = Math.max(1, config.recent());
        this.byId = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, AlertEvent> eldest) {
                return size() > limit;
            }
        };
    }

    public synchronized void add(AlertEvent alert) {
        byId.put(alert.id(), alert);
    }

    /** One more match within the alert's suppression window (ignored once the alert is no longer kept). */
    public synchronized void repeated(String alertId, long count, Instant last) {
        byId.computeIfPresent(alertId, (id, alert) -> alert.repeated(count, last));
    }

    /** Newest first, at most limit. */
    public synchronized List<AlertEvent> latest(int limit) {
        List<AlertEvent> all = new ArrayList<>(byId.values());
        List<AlertEvent> newest = new ArrayList<>(Math.min(limit, all.size()));
        for (int i = all.size() - 1; i >= 0 && newest.size() < limit; i--) {
            newest.add(all.get(i));
        }
        return newest;
    }
}
