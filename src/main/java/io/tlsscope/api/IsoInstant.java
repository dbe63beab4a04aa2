package io.tlsscope.api;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * {@link Instant#toString()} (ISO-8601 in UTC, the fraction in groups of three digits as needed),
 * with the date and time of day of the last second formatted kept: the events of one second share
 * it, so the stream formats a date once a second instead of once per event and field
 * (DateTimeFormatter was a tenth of the SSE event loop's time for raw events, bench/pipeline.sh).
 * Thread-safe: the kept second is an immutable record, replaced whole.
 */
final class IsoInstant {
    private record Second(long epochSecond, String dateTime) {
    }

    private static volatile Second last = second(0);

    private IsoInstant() {
    }

    static String format(Instant instant) {
        Second second = last;
        if (second.epochSecond() != instant.getEpochSecond()) {
            second = second(instant.getEpochSecond());
            last = second;
        }
        int nanos = instant.getNano();
        if (nanos == 0) {
            return second.dateTime() + 'Z';
        }
        int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
        int fraction = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1000 : nanos;
        char[] tail = new char[digits + 2];
        tail[0] = '.';
        for (int i = digits; i > 0; i--) {
            tail[i] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        tail[digits + 1] = 'Z';
        return second.dateTime().concat(new String(tail));
    }

    /** The second's ISO form without its zone letter: whole seconds are written without a fraction. */
    private static Second second(long epochSecond) {
        String whole = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
        return new Second(epochSecond, whole.substring(0, whole.length() - 1));
    }
}
