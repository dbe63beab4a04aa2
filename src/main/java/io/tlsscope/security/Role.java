package io.tlsscope.security;

import java.util.Locale;
import java.util.Optional;

/** What a token may do: viewers read (and stream events), admins also change the tracer. */
public enum Role {
    VIEWER,
    ADMIN;

    /** Whether this role may do what {@code needed} may. */
    public boolean covers(Role needed) {
        return this == ADMIN || needed == VIEWER;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String name) {
        for (Role role : values()) {
            if (role.configName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
