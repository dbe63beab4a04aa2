package io.tlsscope.rules;

import io.tlsscope.alerts.AlertDispatcher;
import io.tlsscope.alerts.Webhooks;
import io.tlsscope.alerts.blindspot.BlindSpotMonitor;
import io.tlsscope.tracer.CounterValue;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * Every counter of rules, alerts and webhooks, in one place (the service's counter list includes
 * them through this adapter): each way a statement can go unjudged or an alert undelivered is one.
 */
@ApplicationScoped
public class DetectionCounters {
    /** Levels (how many now), not totals since start. */
    private static final Set<String> LEVELS = Set.of("rules.in-force", "alerts.blind-spots");

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

    public List<CounterValue> all() {
        return List.of(
                new CounterValue("rules.in-force", book.entries().stream().filter(entry -> entry.definition().isEnabled()).count(),
                        "rules in force now (built-in and from the rules file, enabled)"),
                new CounterValue("rules.evaluated", evaluator.evaluated(), "statements judged by the rules"),
                new CounterValue("rules.drops", evaluator.drops(), "query events the rule thread could not take in time (not judged)"),
                new CounterValue("rules.duplicates", evaluator.duplicates(),
                        "client-side statements not judged because the server side of the same statement was"),
                new CounterValue("rules.matches", evaluator.matches(), "rule matches, those inside a suppression window included"),
                new CounterValue("rules.errors", evaluator.errors(), "rule evaluations that failed on a statement (GET /api/v1/rules says which rule)"),
                new CounterValue("rules.failures", evaluator.failures(), "statements whose judging failed outside any rule (a bug)"),
                new CounterValue("rules.reloads", book.reloads(), "rules files read and put in force"),
                new CounterValue("rules.reload-failures", book.reloadFailures(),
                        "rules files that were rejected or could not be read or written; the previous rules stayed in force"),
                new CounterValue("rules.baseline-full", evaluator.baseline().full(), "novelty keys not kept because a rule's baseline was full"),
                new CounterValue("rules.baseline-save-failures", evaluator.baseline().saveFailures(), "times the baseline file could not be written"),
                new CounterValue("alerts.raised", alerts.raised(), "alerts raised (rules and blind spots)"),
                new CounterValue("alerts.suppressed", alerts.suppressed(), "rule matches counted into an alert already raised in its suppression window"),
                new CounterValue("alerts.blind-spots", blindSpots.active().size(), "blind spots in the capture now"),
                new CounterValue("webhook.delivered", webhooks.delivered(), "alerts delivered to a webhook (2xx)"),
                new CounterValue("webhook.failed", webhooks.failed(), "alerts a webhook did not take after every attempt"),
                new CounterValue("webhook.retries", webhooks.retries(), "webhook attempts repeated after a failure"),
                new CounterValue("webhook.dropped", webhooks.dropped(), "alerts dropped because a webhook's queue was full"));
    }

    public static boolean isLevel(String name) {
        return LEVELS.contains(name);
    }
}
