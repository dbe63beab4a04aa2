package io.tlsscope.alerts;

import io.tlsscope.events.StreamEvent;
import io.tlsscope.protocol.QueryEvent;
import java.time.Instant;
import java.util.List;

/**
 * An alert: a rule fired on a statement, or the service found a blind spot in its own capture.
 *
 * @param id          unique per alert (a new suppression window or a new blind spot is a new alert)
 * @param kind        rule or blind-spot
 * @param rule        the rule's id, or the blind spot's cause id (e.g. ringbuf-drops)
 * @param key         the suppression key's value (rules), or what the blind spot is about (e.g. an inode)
 * @param count       matches within the suppression window so far (1 when sent); blind spots: 1
 * @param first       the first match (blind spot: when raised)
 * @param last        the latest match (blind spot: when raised or cleared)
 * @param query       the statement that fired the rule; null for blind spots
 * @param client      the client process as far as known; null for blind spots
 * @param server      the server process as far as known; null for blind spots
 * @param state       blind spots: raised or cleared; null for rules
 * @param counter     blind spots: the counter behind the cause; null for rules
 */
public record AlertEvent(String id, Kind kind, String rule, Severity severity, List<String> tags, String description,
                         String host, String key, long count, Instant first, Instant last, QueryEvent query,
                         ProcessInfo client, ProcessInfo server, String state, String counter) implements StreamEvent {

    public enum Kind { RULE, BLIND_SPOT }

    /** The same alert with a later match counted. */
    public AlertEvent repeated(long newCount, Instant newLast) {
        return new AlertEvent(id, kind, rule, severity, tags, description, host, key, newCount, first, newLast, query, client,
                server, state, counter);
    }
}
