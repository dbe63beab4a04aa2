package io.tlsscope.cli;

import io.quarkus.picocli.runtime.PicocliRunner;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. The HTTP listener starts with Quarkus, before any command runs, so every command
 * but {@code serve} (which is also what no command means) turns it off here: a one-shot command
 * such as {@code tlsscope inspect} or a client command must work next to a running service. The
 * tracer is not started here at all: the serve command starts it.
 */
@QuarkusMain
public final class Main {
    Main() {
        // package-private: Quarkus registers the @QuarkusMain class as a bean
    }

    public static void main(String... args) {
        if (!servesTheApi(args)) {
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.banner.enabled", "false");
            System.setProperty("quarkus.log.level", "WARN");
        }
        Quarkus.run(PicocliRunner.class, args);
    }

    /** Whether the command line runs the service: no command, or serve (options may follow). */
    static boolean servesTheApi(String... args) {
        return args.length == 0 || ServeCommand.NAME.equals(args[0]);
    }
}
