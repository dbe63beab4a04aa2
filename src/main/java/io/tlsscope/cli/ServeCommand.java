package io.tlsscope.cli;

import io.quarkus.runtime.Quarkus;
import io.tlsscope.security.TokenStore;
import io.tlsscope.sink.kafka.KafkaSink;
import io.tlsscope.tracer.Tracer;
import jakarta.enterprise.context.Dependent;
import picocli.CommandLine.Command;

/**
 * {@code tlsscope serve}: the service. The HTTP API is already listening when this command starts
 * (it starts with Quarkus); the command creates a first API token on a fresh installation, starts
 * the Kafka sink when one is configured, then tracing
 * (fail-open: if either cannot start, the API stays up and says why), and keeps the process alive
 * until SIGTERM or Ctrl-C.
 */
@Dependent
@Command(name = ServeCommand.NAME, description = "Trace the host and serve the REST API (default).")
public class ServeCommand implements Runnable {
    static final String NAME = "serve";

    private final Tracer tracer;
    private final KafkaSink kafka;
    private final TokenStore tokens;

    public ServeCommand(Tracer tracer, KafkaSink kafka, TokenStore tokens) {
        this.tracer = tracer;
        this.kafka = kafka;
        this.tokens = tokens;
    }

    @Override
    public void run() {
        tokens.ensureFirstToken();
        kafka.start(); // first, so that it sees the first events
        tracer.start();
        Quarkus.waitForExit();
    }
}
