package io.tlsscope.rules;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.alerts.AlertMetrics;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The rules in force: the built-in pack, overlaid by the rules file (a rule with a built-in's id
 * replaces it). The file is checked for changes every tlsscope.rules.reload-interval; REST changes
 * are written to it (atomically) and take effect at once. A file or a change that does not compile
 * changes nothing: the previous rules stay in force, and the file's problem is logged once per
 * version with the rule, field, position and reason. Thread-safe.
 */
@ApplicationScoped
public class RuleBook {
    private static final Logger LOG = Logger.getLogger(RuleBook.class);

    /** Where a rule in force comes from. */
    public enum Source { BUILT_IN, FILE, FILE_REPLACING_BUILT_IN }

    /** A rule in force with where it comes from. */
    public record Entry(RuleDefinition definition, Source source) {
    }

    private final RulesConfig config;
    private final RuleEngine engine;
    private final AlertMetrics metrics;
    private final RuleCompiler compiler = new RuleCompiler();
    private final List<RuleDefinition> builtIn = RulesYaml.builtIn().rules();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private List<RuleDefinition> fileRules = List.of();
    private List<Entry> entries = List.of();
    /** The file version last read (contents), so that an unchanged broken file is reported once. */
    private String lastFileText;
    private ScheduledExecutorService watcher;

    public RuleBook(RulesConfig config, RuleEvaluator evaluator, AlertMetrics metrics) {
        this.config = config;
        this.engine = evaluator.engine();
        this.metrics = metrics;
    }

    /** Before the rule thread takes statements: the rules are in force from the first one. */
    void onStart(@Observes @Priority(10) StartupEvent start) {
        if (!config.enabled()) {
            return;
        }
        reloadIfChanged();
        watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tlsscope-rules-file").daemon().factory());
        long every = config.reloadInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    /** Reads the file if its content changed since the last look and puts it in force if it compiles. */
    synchronized void reloadIfChanged() {
        String text;
        try {
            text = Files.readString(config.file(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException absent) {
            text = "";
        } catch (IOException unreadable) {
            if (lastFileText == null || !lastFileText.startsWith("\u0000")) {
                LOG.errorf("rules file %s cannot be read, the previous rules stay in force: %s", config.file(), unreadable.getMessage());
                reloadFailures.incrementAndGet();
            }
            lastFileText = "\u0000" + unreadable.getMessage();
            return;
        }
        if (text.equals(lastFileText)) {
            return;
        }
        lastFileText = text;
        try {
            List<RuleDefinition> parsed = RulesYaml.parse(text).rules();
            putInForce(parsed);
            reloads.incrementAndGet();
            LOG.infof("rules: %d in force (%d built-in, %d from %s)", entries.size(), builtIn.size(), parsed.size(),
                    text.isEmpty() ? config.file() + ", which does not exist" : config.file());
        } catch (RuleRejected rejected) {
            reloadFailures.incrementAndGet();
            LOG.errorf("rules file %s rejected, the previous rules stay in force: %s", config.file(), rejected.getMessage());
        }
    }

    /** Compiles built-in plus file rules and hands them to the engine; nothing changes if any rule is rejected. */
    private void putInForce(List<RuleDefinition> newFileRules) throws RuleRejected {
        Map<String, Entry> merged = new LinkedHashMap<>();
        builtIn.forEach(rule -> merged.put(rule.id(), new Entry(rule, Source.BUILT_IN)));
        List<String> fileIds = new ArrayList<>();
        for (RuleDefinition rule : newFileRules) {
            if (fileIds.contains(rule.id())) {
                throw new RuleRejected(rule.id(), "id", "appears twice in the rules file: each rule needs its own id");
            }
            fileIds.add(rule.id());
            Source source = merged.containsKey(rule.id()) ? Source.FILE_REPLACING_BUILT_IN : Source.FILE;
            merged.put(rule.id(), new Entry(rule, source));
        }
        List<CompiledRule> compiled = compiler.compileAll(merged.values().stream().map(Entry::definition).toList());
        engine.replace(compiled);
        compiled.forEach(rule -> metrics.declare(AlertEvent.Kind.RULE, rule.id(), rule.severity()));
        fileRules = List.copyOf(newFileRules);
        entries = List.copyOf(merged.values());
    }

    public synchronized List<Entry> entries() {
        return entries;
    }

    public synchronized Optional<Entry> entry(String id) {
        return entries.stream().filter(entry -> entry.definition().id().equals(id)).findFirst();
    }

    /** Checks rules without putting them in force. */
    public List<CompiledRule> validate(List<RuleDefinition> rules) throws RuleRejected {
        return compiler.compileAll(rules);
    }

    /**
     * Adds or replaces a rule in the rules file and puts it in force; a rule that does not compile
     * changes nothing.
     *
     * @return true when the rule is new to the file
     */
    public synchronized boolean put(RuleDefinition rule) throws RuleRejected {
        compiler.compile(rule);
        List<RuleDefinition> updated = new ArrayList<>(fileRules);
        int index = indexOf(updated, rule.id());
        if (index >= 0) {
            updated.set(index, rule);
        } else {
            updated.add(rule);
        }
        putInForce(updated);
        writeFile(updated);
        return index < 0;
    }

    /** What deleting a rule did. */
    public enum Deleted { REMOVED, BUILT_IN_RESTORED, NOT_IN_FILE, UNKNOWN }

    /** Removes a rule from the rules file (a built-in it replaced comes back); built-in rules themselves stay. */
    public synchronized Deleted delete(String id) throws RuleRejected {
        List<RuleDefinition> updated = new ArrayList<>(fileRules);
        int index = indexOf(updated, id);
        if (index < 0) {
            return builtIn.stream().anyMatch(rule -> rule.id().equals(id)) ? Deleted.NOT_IN_FILE : Deleted.UNKNOWN;
        }
        updated.remove(index);
        putInForce(updated);
        writeFile(updated);
        return builtIn.stream().anyMatch(rule -> rule.id().equals(id)) ? Deleted.BUILT_IN_RESTORED : Deleted.REMOVED;
    }

    private static int indexOf(List<RuleDefinition> rules, String id) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private void writeFile(List<RuleDefinition> rules) {
        String text = "# tlsscope rules (written by the service after a REST change; comments are not kept)\n"
                + RulesYaml.write(new RulesDocument(rules));
        Path file = config.file();
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".rules", ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException notHere) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            lastFileText = text; // in force already: the watcher need not read it again
        } catch (IOException e) {
            // in force now, lost at restart: said loudly and counted
            reloadFailures.incrementAndGet();
            LOG.errorf("rules file %s cannot be written; the change is in force until the service restarts: %s", file, e.getMessage());
        }
    }

    /** Rules files read and put in force. */
    public long reloads() {
        return reloads.get();
    }

    /** Rules files (or writes of it) that failed; the previous rules stayed in force. */
    public long reloadFailures() {
        return reloadFailures.get();
    }
}
