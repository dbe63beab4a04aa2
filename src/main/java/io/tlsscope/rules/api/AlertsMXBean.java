package io.tlsscope.rules.api;

import java.util.List;
import java.util.Map;

/** io.tlsscope:type=Alerts — recent alerts, alerts per rule, and the blind spots in force. */
public interface AlertsMXBean {
    /** One line per recent alert, newest first: time, severity, kind, rule, count, key, description. */
    List<String> getRecentAlerts();

    /** Alerts raised per rule in force since start. */
    Map<String, Long> getAlertsPerRule();

    /** One line per blind spot in force: cause, subject, counter, detail. */
    List<String> getBlindSpots();
}
