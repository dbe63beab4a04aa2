package io.tlsscope.alerts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** How much an alert matters, lowest first. */
public enum Severity {
    INFO, LOW, MEDIUM, HIGH, CRITICAL;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From its lowercase name; null when there is no such severity. */
    @JsonCreator
    public static Severity parse(String name) {
        return Arrays.stream(values()).filter(severity -> severity.jsonName().equals(name)).findFirst().orElse(null);
    }
}
