package io.tlsscope.cli;

import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;

/**
 * {@code tlsscope serve}: the service. The tracer and the HTTP API are already running when this
 * command starts (they start with Quarkus); it keeps the process alive until SIGTERM or Ctrl-C.
 */
@Dependent
@Command(name = "serve", description = "Trace the host and serve the REST API (default).")
public class ServeCommand implements Runnable {
    @Override
    public void run() {
        Quarkus.waitForExit();
    }
}
