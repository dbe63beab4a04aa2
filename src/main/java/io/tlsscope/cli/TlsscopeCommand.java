package io.tlsscope.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.tlsscope.cli.client.AlertsCommand;
import io.tlsscope.cli.client.CompletionCommand;
import io.tlsscope.cli.client.CountersCommand;
import io.tlsscope.cli.client.EventsCommand;
import io.tlsscope.cli.client.GoHooksCommand;
import io.tlsscope.cli.client.ScopeCommand;
import io.tlsscope.cli.client.LayoutCommand;
import io.tlsscope.cli.client.LibrariesCommand;
import io.tlsscope.cli.client.RulesCommand;
import picocli.CommandLine.Command;

/** {@code tlsscope}: without a subcommand it serves, like {@code tlsscope serve}. */
@TopCommand
@Command(name = "tlsscope", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Captures TLS plaintext with eBPF and decodes database traffic.",
        subcommands = {ServeCommand.class, InspectCommand.class, TokenCommand.class, LibrariesCommand.class,
                CountersCommand.class, LayoutCommand.class, GoHooksCommand.class, ScopeCommand.class, EventsCommand.class, RulesCommand.class, AlertsCommand.class,
                CompletionCommand.class, VersionCommand.class})
public class TlsscopeCommand implements Runnable {
    private final ServeCommand serve;

    public TlsscopeCommand(ServeCommand serve) {
        this.serve = serve;
    }

    @Override
    public void run() {
        serve.run();
    }
}
