package io.tlsscope.alerts.blindspot;

import io.tlsscope.alerts.Severity;

/**
 * A blind spot seen in one check.
 *
 * @param cause   stable id of the kind of blind spot (ringbuf-drops, go-hooks-off, silent-database-port, ...)
 * @param subject what it is about (an inode, a port), "" when the whole capture
 * @param counter the counter (or switch) behind it
 * @param detail  one sentence naming the cause with its numbers
 */
public record Finding(String cause, String subject, Severity severity, String counter, String detail) {
    String key() {
        return subject.isEmpty() ? cause : cause + " " + subject;
    }
}
