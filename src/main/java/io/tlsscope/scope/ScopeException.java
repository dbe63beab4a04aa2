package io.tlsscope.scope;

/** A scope entry that cannot be used: the message names the value and why, field names the list it is in. */
public final class ScopeException extends RuntimeException {
    private final String field;

    public ScopeException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** executables, comms, cgroups or users. */
    public String field() {
        return field;
    }
}
