package io.tlsscope.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * What novelty rules have seen (e.g. client executable, user, database), per rule, with when each
 * rule began learning; kept in a JSON file so that a restart neither forgets the baseline nor
 * starts learning again. Written atomically (temporary file, then rename) when something changed.
 * Bounded per rule: keys beyond the bound are not kept and are counted. Thread-safe.
 */
public final class Baseline {
    private static final Logger LOG = Logger.getLogger(Baseline.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One rule's baseline as stored; since is ISO-8601. */
    public record Learned(String since, List<String> keys) {
    }

    /** The file's content. */
    public record Stored(Map<String, Learned> rules) {
    }

    private static final class RuleBaseline {
        final Instant since;
        final Set<String> keys = new LinkedHashSet<>();

        RuleBaseline(Instant since) {
            this.since = since;
        }
    }

    /** The answer for one key. */
    enum Verdict { LEARNING, KNOWN, NEW, FULL }

    private final Path file;
    private final int maxKeysPerRule;
    private final Map<String, RuleBaseline> byRule = new HashMap<>();
    private final AtomicLong full = new AtomicLong();
    private final AtomicLong saveFailures = new AtomicLong();
    private boolean dirty;

    /** A baseline backed by file (null: kept in memory only), read now if it exists. */
    public Baseline(Path file, int maxKeysPerRule) {
        this.file = file;
        this.maxKeysPerRule = maxKeysPerRule;
        if (file != null && Files.exists(file)) {
            try {
                Stored stored = JSON.readValue(file.toFile(), Stored.class);
                if (stored.rules() != null) {
                    stored.rules().forEach((rule, learned) -> {
                        RuleBaseline baseline = new RuleBaseline(Instant.parse(learned.since()));
                        baseline.keys.addAll(learned.keys() == null ? List.of() : learned.keys());
                        byRule.put(rule, baseline);
                    });
                }
                LOG.infof("baseline: %d rules read from %s", byRule.size(), file);
            } catch (IOException | java.time.format.DateTimeParseException unreadable) {
                // learning starts again rather than the service failing; the operator is told
                LOG.errorf("baseline %s cannot be read, learning starts afresh: %s", file, unreadable.getMessage());
            }
        }
    }

    /** Records key for ruleId at time: learning (first statement starts the window), known, or new (now known). */
    synchronized Verdict see(String ruleId, String key, Instant time, Duration learning) {
        RuleBaseline baseline = byRule.computeIfAbsent(ruleId, id -> {
            dirty = true;
            return new RuleBaseline(time);
        });
        if (baseline.keys.contains(key)) {
            return Verdict.KNOWN;
        }
        if (baseline.keys.size() >= maxKeysPerRule) {
            full.incrementAndGet();
            return Verdict.FULL;
        }
        baseline.keys.add(key);
        dirty = true;
        return time.isBefore(baseline.since.plus(learning)) ? Verdict.LEARNING : Verdict.NEW;
    }

    /** Writes the file when something changed since the last save. */
    public void save() {
        Stored snapshot;
        synchronized (this) {
            if (!dirty || file == null) {
                return;
            }
            Map<String, Learned> rules = new TreeMap<>();
            byRule.forEach((rule, baseline) -> rules.put(rule, new Learned(baseline.since.toString(), List.copyOf(baseline.keys))));
            snapshot = new Stored(rules);
            dirty = false;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), snapshot);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException notOnThisFileSystem) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            saveFailures.incrementAndGet();
            synchronized (this) {
                dirty = true;
            }
            LOG.warnf("baseline %s cannot be written (kept in memory, retried): %s", file, e.getMessage());
        }
    }

    /** Keys not kept because a rule's baseline was full. */
    public long full() {
        return full.get();
    }

    public long saveFailures() {
        return saveFailures.get();
    }

    public synchronized int keys() {
        return byRule.values().stream().mapToInt(baseline -> baseline.keys.size()).sum();
    }
}
