package io.tlsscope.rules;

/**
 * A rule that cannot be put in force: which rule, which field, where in the field's text (1-based
 * line and column, for CEL expressions; 0 when not about a position), and why.
 */
public final class RuleRejected extends Exception {
    private final String ruleId;
    private final String field;
    private final int line;
    private final int column;
    private final String reason;

    public RuleRejected(String ruleId, String field, int line, int column, String reason) {
        super(describe(ruleId, field, line, column, reason));
        this.ruleId = ruleId;
        this.field = field;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public RuleRejected(String ruleId, String field, String reason) {
        this(ruleId, field, 0, 0, reason);
    }

    private static String describe(String ruleId, String field, int line, int column, String reason) {
        String where = line > 0 ? " at " + line + ":" + column : "";
        return "rule " + (ruleId == null ? "(no id)" : "'" + ruleId + "'") + ": " + field + where + ": " + reason;
    }

    public String ruleId() {
        return ruleId;
    }

    public String field() {
        return field;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String reason() {
        return reason;
    }
}
