package io.tlsscope.rules;

import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.protocol.ConnectionInfo;
import io.tlsscope.protocol.QueryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How many statements per second one core judges with the built-in pack (bench/rules-eval.sh;
 * not a test). The statements are those decoded from the recorded pgbench and psql sessions
 * (fixtures/pg), each with a time of its own, judged the way the rule thread does: both ends
 * resolved (peer lookup and /proc details cached, as for a long-running connection), the facts
 * built, every rule run. (The tuple's peer is taken as remote, so no statement is skipped as a
 * duplicate.) 5 s of warm-up, then SECONDS of measurement, both in this thread's own CPU time, so
 * the figure is statements per second of one core whatever else runs on the machine.
 */
public final class RuleEvaluationBench {
    /** This process stands for the client: a live pid whose /proc details are read once, as for a long-lived client. */
    private static final java.util.function.UnaryOperator<ConnectionInfo> SELF = connection -> new ConnectionInfo(
            connection.id(), (int) ProcessHandle.current().pid(), "pgbench", connection.tuple(), connection.protocol(), connection.user(),
            connection.database(), connection.application());

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private RuleEvaluationBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<QueryEvent> workload = new ArrayList<>();
        for (String fixture : List.of("pgbench-extended-client", "pgbench-prepared-client", "psql-client")) {
            workload.addAll(RuleEngineTest.postgres(fixture, "client", fixture.startsWith("pgbench") ? "pgbench" : "psql"));
        }
        Path baselineFile = Files.createTempFile("tlsscope-bench-baseline", ".json");
        Files.delete(baselineFile);
        RuleEngine engine = new RuleEngine(new Baseline(baselineFile, 100_000));
        engine.replace(new RuleCompiler().compileAll(RulesYaml.builtIn().rules()));
        // the client's side, its server remote (not traced here): every statement is judged
        ConnectionEnds ends = new ConnectionEnds((tuple, byNanos) -> Optional.empty(), Path.of("/proc"));
        long[] alerts = {0};
        RuleEngine.Sink sink = new RuleEngine.Sink() {
            @Override
            public void fired(AlertEvent alert) {
                alerts[0]++;
            }

            @Override
            public void repeated(String alertId, long count, Instant last) {
                alerts[0]++;
            }
        };
        // warm-up and measurement are counted in this thread's CPU time: on a busy machine wall time says little
        long warmUp = run(engine, ends, sink, workload, THREADS.getCurrentThreadCpuTime() + Duration.ofSeconds(5).toNanos(), 0);
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long measured = run(engine, ends, sink, workload, cpuStart + Duration.ofSeconds(seconds).toNanos(), warmUp);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.printf("built-in pack (%d rules), %d distinct statements from recorded pgbench and psql sessions%n",
                engine.rules().size(), workload.size());
        System.out.printf("%.0f statements per CPU-second of the judging thread (%.2f us each; %.1f s of CPU in %.1f s of wall time,"
                        + " %.0f statements/s of wall time); matches and alerts: %d; rule errors: %d%n",
                measured / cpu, cpu * 1e6 / measured, cpu, elapsed, measured / elapsed, alerts[0], engine.errors());
    }

    /** Judges the workload over and over until the thread has used CPU time untilCpu, each statement 1 ms after the one before. */
    private static long run(RuleEngine engine, ConnectionEnds ends, RuleEngine.Sink sink, List<QueryEvent> workload, long untilCpu,
                            long before) {
        long judged = 0;
        long round = before;
        while (THREADS.getCurrentThreadCpuTime() < untilCpu) {
            for (QueryEvent event : workload) {
                Instant time = Instant.EPOCH.plusMillis(round++);
                QueryEvent timed = new QueryEvent(SELF.apply(event.connection()), event.side(), event.command(), event.statement(), event.parameters(),
                        time, time, event.commandTag(), event.rows(), event.sqlState(), event.errorCode(), event.error(),
                        event.transactionStatus(), event.notices(), event.copy(), event.columns(), event.statementBytes());
                ConnectionEnds.Ends both = ends.of(timed, System.nanoTime()).orElseThrow();
                engine.evaluate(QueryFacts.of(timed, both.client(), both.server(), "bench", both.container()), sink);
                judged++;
            }
        }
        return judged;
    }
}
