package io.tlsscope.rules;

import io.tlsscope.alerts.AlertDispatcher;
import io.tlsscope.alerts.Webhooks;
import io.tlsscope.alerts.blindspot.BlindSpotMonitor;
import io.tlsscope.counters.Counter;
import io.tlsscope.counters.CounterReading;
import io.tlsscope.counters.CounterSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Every counter of rules, alerts and webhooks, in one place: each way a statement can go unjudged
 * or an alert undelivered is one.
 */
@ApplicationScoped
public class DetectionCounters implements CounterSource {
    private static final Counter IN_FORCE = Counter.level("rules.in-force", "rules in force now (built-in and from the rules file, enabled)");
    private static final Counter EVALUATED = Counter.total("rules.evaluated", "statements judged by the rules");
    private static final Counter DROPS = Counter.total("rules.drops", "query events the rule thread could not take in time (not judged)");
    private static final Counter DUPLICATES = Counter.total("rules.duplicates",
            "client-side statements not judged because the server side of the same statement was");
    private static final Counter MATCHES = Counter.total("rules.matches", "rule matches, those inside a suppression window included");
    private static final Counter ERRORS = Counter.total("rules.errors",
            "rule evaluations that failed on a statement (GET /api/v1/rules says which rule)");
    private static final Counter FAILURES = Counter.total("rules.failures", "statements whose judging failed outside any rule (a bug)");
    private static final Counter RELOADS = Counter.total("rules.reloads", "rules files read and put in force");
    private static final Counter RELOAD_FAILURES = Counter.total("rules.reload-failures",
            "rules files that were rejected or could not be read or written; the previous rules stayed in force");
    private static final Counter BASELINE_FULL = Counter.total("rules.baseline-full", "novelty keys not kept because a rule's baseline was full");
    private static final Counter BASELINE_SAVE_FAILURES = Counter.total("rules.baseline-save-failures",
            "times the baseline file could not be written");
    private static final Counter RAISED = Counter.total("alerts.raised", "alerts raised (rules and blind spots)");
    private static final Counter SUPPRESSED = Counter.total("alerts.suppressed",
            "rule matches counted into an alert already raised in its suppression window");
    private static final Counter BLIND_SPOTS = Counter.level("alerts.blind-spots", "blind spots in the capture now");
    private static final Counter DELIVERED = Counter.total("webhook.delivered", "alerts delivered to a webhook (2xx)");
    private static final Counter FAILED = Counter.total("webhook.failed", "alerts a webhook did not take after every attempt");
    private static final Counter RETRIES = Counter.total("webhook.retries", "webhook attempts repeated after a failure");
    private static final Counter DROPPED = Counter.total("webhook.dropped", "alerts dropped because a webhook's queue was full");

    private final RuleEvaluator evaluator;
    private final RuleBook book;
    private final AlertDispatcher alerts;
    private final Webhooks webhooks;
    private final BlindSpotMonitor blindSpots;

    public DetectionCounters(RuleEvaluator evaluator, RuleBook book, AlertDispatcher alerts, Webhooks webhooks,
                             BlindSpotMonitor blindSpots) {
        this.evaluator = evaluator;
        this.book = book;
        this.alerts = alerts;
        this.webhooks = webhooks;
        this.blindSpots = blindSpots;
    }

    @Override
    public String owner() {
        return "detection";
    }

    @Override
    public List<CounterReading> read() {
        return List.of(
                IN_FORCE.reading(book.entries().stream().filter(entry -> entry.definition().isEnabled()).count()),
                EVALUATED.reading(evaluator.evaluated()),
                DROPS.reading(evaluator.drops()),
                DUPLICATES.reading(evaluator.duplicates()),
                MATCHES.reading(evaluator.matches()),
                ERRORS.reading(evaluator.errors()),
                FAILURES.reading(evaluator.failures()),
                RELOADS.reading(book.reloads()),
                RELOAD_FAILURES.reading(book.reloadFailures()),
                BASELINE_FULL.reading(evaluator.baseline().full()),
                BASELINE_SAVE_FAILURES.reading(evaluator.baseline().saveFailures()),
                RAISED.reading(alerts.raised()),
                SUPPRESSED.reading(alerts.suppressed()),
                BLIND_SPOTS.reading(blindSpots.active().size()),
                DELIVERED.reading(webhooks.delivered()),
                FAILED.reading(webhooks.failed()),
                RETRIES.reading(webhooks.retries()),
                DROPPED.reading(webhooks.dropped()));
    }
}
