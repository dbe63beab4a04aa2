package io.tlsscope.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import io.tlsscope.alerts.AlertEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Judges statements: every enabled rule's condition, then its threshold (windowed sum per key), its
 * novelty (baseline), and its suppression window. {@link #evaluate} runs on one thread only (the
 * rule thread); {@link #replace} may be called from any thread and takes effect at the next
 * statement. Statistics are thread-safe.
 */
public final class RuleEngine {
    private static final Logger LOG = Logger.getLogger(RuleEngine.class);
    private static final int MAX_WINDOWS = 65_536;

    /** Where outcomes go: a new alert, or one more match inside an alert's suppression window. */
    public interface Sink {
        void fired(AlertEvent alert);

        void repeated(String alertId, long count, Instant last);
    }

    /** Per-rule statistics since start. */
    public static final class RuleStats {
        final LongAdder matches = new LongAdder();
        final LongAdder alerts = new LongAdder();
        final LongAdder errors = new LongAdder();

        public long matches() {
            return matches.sum();
        }

        public long alerts() {
            return alerts.sum();
        }

        public long errors() {
            return errors.sum();
        }
    }

    private volatile List<CompiledRule> rules = List.of();
    private final Queue<String> changed = new ConcurrentLinkedQueue<>();
    private final SuppressionWindows windows = new SuppressionWindows(MAX_WINDOWS);
    private final WindowedSums sums = new WindowedSums(MAX_WINDOWS);
    private final Baseline baseline;
    private final Map<String, RuleStats> stats = new ConcurrentHashMap<>();
    private final LongAdder evaluated = new LongAdder();

    public RuleEngine(Baseline baseline) {
        this.baseline = baseline;
    }

    /** Puts a new set in force; rules whose definition changed start with fresh windows and sums. */
    public void replace(List<CompiledRule> newRules) {
        Map<String, RuleDefinition> before = new java.util.HashMap<>();
        rules.forEach(rule -> before.put(rule.id(), rule.definition()));
        for (CompiledRule rule : newRules) {
            if (!rule.definition().equals(before.get(rule.id()))) {
                changed.add(rule.id());
            }
        }
        rules = List.copyOf(newRules);
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    /** Runs every enabled rule over one statement; on the rule thread only. */
    public void evaluate(QueryFacts facts, Sink sink) {
        for (String id = changed.poll(); id != null; id = changed.poll()) {
            windows.forget(id);
            sums.resetPrefix(id);
        }
        evaluated.increment();
        CelVariableResolver variables = RuleVariables.of(facts);
        for (CompiledRule rule : rules) {
            if (!rule.enabled()) {
                continue;
            }
            RuleStats ruleStats = stats(rule.id());
            try {
                if (decides(rule, variables, facts.query().end())) {
                    ruleStats.matches.increment();
                    suppress(rule, variables, facts, sink, ruleStats);
                }
            } catch (CelEvaluationException | RuntimeException failed) {
                // one rule failing (a bad regex given at run time, a division by zero) must not stop the others
                ruleStats.errors.increment();
                if (ruleStats.errors.sum() == 1) {
                    LOG.warnf("rule '%s' failed on a statement (counted in rules.errors; later failures logged at debug): %s",
                            rule.id(), failed.getMessage());
                } else {
                    LOG.debugf("rule '%s' failed: %s", rule.id(), failed.getMessage());
                }
            }
        }
    }

    private boolean decides(CompiledRule rule, CelVariableResolver variables, Instant time) throws CelEvaluationException {
        if (!rule.matches(variables)) {
            return false;
        }
        CompiledRule.Threshold threshold = rule.threshold();
        if (threshold != null) {
            String key = rule.id() + '\u0000' + CompiledRule.text(threshold.per(), variables);
            long sum = sums.add(key, time, threshold.within(), CompiledRule.number(threshold.value(), variables));
            if (sum < threshold.atLeast()) {
                return false;
            }
            sums.reset(key);
        }
        CompiledRule.Novelty novelty = rule.novelty();
        if (novelty != null) {
            return baseline.see(rule.id(), CompiledRule.text(novelty.key(), variables), time, novelty.learning()) == Baseline.Verdict.NEW;
        }
        return true;
    }

    private void suppress(CompiledRule rule, CelVariableResolver variables, QueryFacts facts, Sink sink, RuleStats ruleStats)
            throws CelEvaluationException {
        String key = CompiledRule.text(rule.suppressKey(), variables);
        Instant time = facts.query().end();
        SuppressionWindows.Window open = windows.hit(rule.id(), key, time, rule.suppressWindow());
        if (open != null) {
            sink.repeated(open.alertId, open.count, time);
            return;
        }
        String alertId = UUID.randomUUID().toString();
        windows.open(rule.id(), key, alertId, time);
        ruleStats.alerts.increment();
        RuleDefinition definition = rule.definition();
        sink.fired(new AlertEvent(alertId, AlertEvent.Kind.RULE, rule.id(), rule.severity(), rule.tags(),
                definition.description(), facts.host(), key, 1, time, time, facts.query(), facts.client(), facts.server(), null, null));
    }

    private RuleStats stats(String ruleId) {
        return stats.computeIfAbsent(ruleId, id -> new RuleStats());
    }

    /** Statistics of a rule (zero for one never run). */
    public RuleStats statsOf(String ruleId) {
        return stats(ruleId);
    }

    public long evaluated() {
        return evaluated.sum();
    }

    public long errors() {
        return stats.values().stream().mapToLong(RuleStats::errors).sum();
    }

    public long alerts() {
        return stats.values().stream().mapToLong(RuleStats::alerts).sum();
    }

    public long matches() {
        return stats.values().stream().mapToLong(RuleStats::matches).sum();
    }
}
