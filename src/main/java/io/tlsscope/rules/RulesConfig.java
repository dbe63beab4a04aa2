package io.tlsscope.rules;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the rule engine, prefix {@code tlsscope.rules}. */
@ConfigMapping(prefix = "tlsscope.rules")
public interface RulesConfig {
    /** Judge statements at all. */
    @WithDefault("true")
    boolean enabled();

    /** The rules file (YAML), reloaded when it changes; REST changes are written to it. Need not exist. */
    @WithDefault("/etc/tlsscope/rules.yaml")
    Path file();

    /** How often the rules file is checked for changes. */
    @WithDefault("2s")
    Duration reloadInterval();

    /** What novelty rules have learned, kept across restarts. */
    @WithDefault("/var/lib/tlsscope/baseline.json")
    Path baselineFile();

    /** Keys kept per novelty rule; more are counted (rules.baseline-full), not kept. */
    @WithDefault("100000")
    int baselineMaxKeys();

    /**
     * How far the rule thread may fall behind the newest bus event, in events of every type (cut to
     * half of tlsscope.sse.replay-events); past that its oldest statements are dropped and counted (rules.drops).
     */
    @WithDefault("65536")
    int queueEvents();

    /** The host name alerts carry; default: this machine's name. */
    Optional<String> host();
}
