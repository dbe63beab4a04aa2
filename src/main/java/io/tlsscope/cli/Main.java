package io.tlsscope.cli;

import io.quarkus.picocli.runtime.PicocliRunner;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Set;

/**
 * Entry point. The HTTP listener and the tracer start with Quarkus, before any command runs, so
 * one-shot commands (anything but {@code serve}) turn both off here: {@code tlsscope inspect}
 * must work next to a running service and must not load BPF.
 */
@QuarkusMain
public final class Main {
    /** Everything but serve: local tools and clients of a running service. */
    private static final Set<String> ONE_SHOT_COMMANDS = Set.of("inspect", "token", "libraries", "counters", "layout", "go-hooks", "events",
            "completion", "help", "-h", "--help", "-V", "--version");

    Main() {
        // package-private: Quarkus registers the @QuarkusMain class as a bean
    }

    public static void main(String... args) {
        if (args.length > 0 && ONE_SHOT_COMMANDS.contains(args[0])) {
            System.setProperty("tlsscope.tracer.enabled", "false");
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.banner.enabled", "false");
            System.setProperty("quarkus.log.level", "WARN");
        }
        Quarkus.run(PicocliRunner.class, args);
    }
}
