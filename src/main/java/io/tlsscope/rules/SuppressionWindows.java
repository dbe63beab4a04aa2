package io.tlsscope.rules;

import io.tlsscope.collections.LruMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One alert per rule and key per window: the first match opens a window and is sent; later ones
 * inside it only add to its count. Bounded (least recently used windows forgotten first, which at
 * worst sends one alert more). Not thread-safe: the rule thread owns it.
 */
final class SuppressionWindows {

    /** An open window: the alert sent for it and its matches so far. */
    static final class Window {
        final String alertId;
        final Instant opened;
        long count = 1;

        Window(String alertId, Instant opened) {
            this.alertId = alertId;
            this.opened = opened;
        }
    }

    private final Map<String, Window> windows;

    SuppressionWindows(int maxWindows) {
        this.windows = new LruMap<>(maxWindows);
    }

    /** The open window of ruleId and key at time, with this match counted; null when a new alert is due. */
    Window hit(String ruleId, String key, Instant time, Duration length) {
        String id = ruleId + '\u0000' + key;
        Window window = windows.get(id);
        if (window == null || !time.isBefore(window.opened.plus(length))) {
            return null;
        }
        window.count++;
        return window;
    }

    void open(String ruleId, String key, String alertId, Instant time) {
        windows.put(ruleId + '\u0000' + key, new Window(alertId, time));
    }

    /** Forgets every window of a rule (it was changed: its next match is news). */
    void forget(String ruleId) {
        windows.keySet().removeIf(id -> id.startsWith(ruleId + '\u0000'));
    }
}
