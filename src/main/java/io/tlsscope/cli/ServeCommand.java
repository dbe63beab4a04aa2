package io.tlsscope.cli;

import io.quarkus.runtime.Quarkus;
import io.tlsscope.tracer.Tracer;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;

/**
 * {@code tlsscope serve}: the service. The HTTP API is already listening when this command starts
 * (it starts with Quarkus); the command starts tracing (fail-open: if the kernel side cannot start,
 * the API stays up and says why) and keeps the process alive until SIGTERM or Ctrl-C.
 */
@Dependent
@Command(name = ServeCommand.NAME, description = "Trace the host and serve the REST API (default).")
public class ServeCommand implements Runnable {
    static final String NAME = "serve";

    private final Tracer tracer;

    public ServeCommand(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void run() {
        tracer.start();
        Quarkus.waitForExit();
    }
}
