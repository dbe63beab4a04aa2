package io.tlsscope.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import io.tlsscope.alerts.Severity;
import java.time.Duration;
import java.util.List;

/** A rule ready to run: its definition and its compiled expressions. Immutable, thread-safe. */
public record CompiledRule(RuleDefinition definition, Severity severity, List<String> tags, CelRuntime.Program condition,
                           Duration suppressWindow, CelRuntime.Program suppressKey, Threshold threshold, Novelty novelty) {

    /** @param value null: each match adds 1; per null: one sum for the rule */
    public record Threshold(CelRuntime.Program value, long atLeast, Duration within, CelRuntime.Program per) {
    }

    public record Novelty(CelRuntime.Program key, Duration learning) {
    }

    public String id() {
        return definition.id();
    }

    public boolean enabled() {
        return definition.isEnabled();
    }

    boolean matches(CelVariableResolver variables) throws CelEvaluationException {
        return Boolean.TRUE.equals(condition.eval(variables));
    }

    static String text(CelRuntime.Program key, CelVariableResolver variables) throws CelEvaluationException {
        return key == null ? "" : String.valueOf(key.eval(variables));
    }

    static long number(CelRuntime.Program value, CelVariableResolver variables) throws CelEvaluationException {
        return value == null ? 1 : ((Number) value.eval(variables)).longValue();
    }
}
