package io.tlsscope.rules;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them in rules: a whole number and a unit, e.g. 500ms, 90s, 10m, 24h, 7d. */
final class DurationText {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private DurationText() {
    }

    static Duration parse(String ruleId, String field, String text) throws RuleRejected {
        Matcher matcher = FORM.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            throw new RuleRejected(ruleId, field, "must be a duration such as 90s, 10m, 24h or 7d, was '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (duration.isZero()) {
            throw new RuleRejected(ruleId, field, "must be longer than zero, was '" + text + "'");
        }
        return duration;
    }
}
