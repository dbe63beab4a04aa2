package io.tlsscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tlsscope.cli.client.CompletionCommand;
import io.tlsscope.cli.client.CountersCommand;
import io.tlsscope.cli.client.EventsCommand;
import io.tlsscope.cli.client.GoHooksCommand;
import io.tlsscope.cli.client.LayoutCommand;
import io.tlsscope.cli.client.LibrariesCommand;
import io.tlsscope.cli.client.ScopeCommand;
import io.tlsscope.testsupport.FreePort;
import io.tlsscope.testsupport.LibsslUser;
import io.tlsscope.testsupport.PostgresTlsServer;
import io.tlsscope.testsupport.PsqlSession;
import io.tlsscope.testsupport.TestTokens;
import io.tlsscope.testsupport.TracerApi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The client commands against the real service of this test run (the tracer behind it): tables
 * and JSON that match the API, the service's refusals as exit code 1 with its reason, an
 * unreachable service as exit code 3, and a followed stream that prints a psql statement.
 */
@QuarkusTest
class ClientCommandsTest {
    private static final Path SYSTEM_LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    @TestHTTPResource("/")
    URI base;

    /** One command's run: exit code, standard output, standard error. */
    private record Run(int exit, String out, String err) {
    }

    @Test
    void librariesAndCountersAsTablesAndAsJson() throws Exception {
        long inode = (Long) Files.readAttributes(SYSTEM_LIBSSL, "unix:ino").get("ino");
        try (LibsslUser user = LibsslUser.start()) {
            librariesListed(inode);
        }
    }

    private void librariesListed(long inode) throws Exception {
        Run table = run(new LibrariesCommand(), client(TestTokens.VIEWER));
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("INODE").contains("LAYOUT")
                .contains("SEEN").contains("CAPTURED").contains("DROPPED").contains("READ-FAILED").contains("FAILED");
        assertThat(table.out()).contains(Long.toString(inode)).contains("openssl-3.0").contains("libssl.so.3");

        Run json = run(new LibrariesCommand(), client(TestTokens.VIEWER, "--json"));
        JsonNode libraries = new ObjectMapper().readTree(json.out());
        assertThat(libraries.isArray()).isTrue();
        List<Long> inodes = new ArrayList<>();
        libraries.forEach(library -> inodes.add(library.get("inode").asLong()));
        assertThat(inodes).contains(inode);
        libraries.forEach(library -> {
            if (library.get("inode").asLong() == inode) {
                assertThat(library.at("/kernelCalls/seen").isIntegralNumber()).as("kernel call counts of %s", library).isTrue();
            }
        });

        Run counters = run(new CountersCommand(), client(TestTokens.VIEWER, "--all"));
        assertThat(counters.exit()).isZero();
        assertThat(counters.out()).contains("kernel.ringbuf.drops").contains("records lost because the ring buffer was full");
    }

    @Test
    void refusalsExitWithOneAndTheReasonAndAnUnreachableServiceWithThree() throws Exception {
        long inode = (Long) Files.readAttributes(SYSTEM_LIBSSL, "unix:ino").get("ino");
        try (LibsslUser user = LibsslUser.start()) {
            refusals(inode);
        }
    }

    private void refusals(long inode) {
        Run noToken = run(new LibrariesCommand(), "--url", base.toString(), "--token", "");
        assertThat(noToken.exit()).isEqualTo(1);
        assertThat(noToken.err()).contains("Unauthorized");

        Run viewerChange = run(new LayoutCommand(), concat(List.of("set"), client(TestTokens.VIEWER), List.of(Long.toString(inode), "openssl-3.0")));
        assertThat(viewerChange.exit()).isEqualTo(1);
        assertThat(viewerChange.err()).contains("Forbidden").contains("admin role");

        Run unknownLayout = run(new LayoutCommand(), concat(List.of("set"), client(TestTokens.ADMIN), List.of(Long.toString(inode), "openssl-0.9")));
        assertThat(unknownLayout.exit()).isEqualTo(1);
        assertThat(unknownLayout.err()).contains("unknown layout 'openssl-0.9'");

        Run set = run(new LayoutCommand(), concat(List.of("set"), client(TestTokens.ADMIN), List.of(Long.toString(inode), "openssl-3.0")));
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("layout openssl-3.0 (forced)");
        Run clear = run(new LayoutCommand(), concat(List.of("clear"), client(TestTokens.ADMIN), List.of(Long.toString(inode))));
        assertThat(clear.exit()).isZero();
        assertThat(clear.out()).contains("(detected)");

        Run unreachable = run(new CountersCommand(), "--url", "http://127.0.0.1:" + FreePort.pick(), "--token", TestTokens.ADMIN);
        assertThat(unreachable.exit()).isEqualTo(3);
        assertThat(unreachable.err()).contains("cannot reach");

        Run usage = run(new GoHooksCommand(), concat(List.of("sideways"), client(TestTokens.ADMIN)));
        assertThat(usage.exit()).isEqualTo(2);
    }

    @Test
    void goHooksSwitchOffAndOn() {
        try {
            Run off = run(new GoHooksCommand(), concat(List.of("off"), client(TestTokens.ADMIN)));
            assertThat(off.exit()).as(off.err()).isZero();
            assertThat(off.out()).startsWith("Go hooks: off");
            assertThat(run(new GoHooksCommand(), client(TestTokens.VIEWER)).out()).startsWith("Go hooks: off");
        } finally {
            assertThat(run(new GoHooksCommand(), concat(List.of("on"), client(TestTokens.ADMIN))).out()).startsWith("Go hooks: on");
        }
    }

    @Test
    void scopeReplacedShownAndBackToEveryProcess() {
        try {
            Run set = run(new ScopeCommand(), concat(List.of("--user", "postgres", "--comm", "postgres"), client(TestTokens.ADMIN)));
            assertThat(set.exit()).as(set.err()).isZero();
            assertThat(set.out()).startsWith("scope: processes that match any of").contains("users").contains("comms");
            Run shown = run(new ScopeCommand(), concat(List.of("--json"), client(TestTokens.VIEWER)));
            assertThat(shown.out()).contains("\"limited\" : true").contains("\"postgres\"");
            Run bad = run(new ScopeCommand(), concat(List.of("--executable", "postgres"), client(TestTokens.ADMIN)));
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("'postgres' is not an absolute path");
        } finally {
            Run every = run(new ScopeCommand(), concat(List.of("--every-process"), client(TestTokens.ADMIN)));
            assertThat(every.out()).startsWith("scope: every process");
        }
    }

    @Test
    void eventsFollowPrintsAStatementFromPsql() throws Exception {
        String marker = "cli-" + UUID.randomUUID();
        long clientsBefore = TracerApi.sseClients();
        try (PostgresTlsServer server = PostgresTlsServer.start()) {
            TracerApi.awaitLibraryUsedBy(server.postmasterPid());
            CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() -> run(new EventsCommand(),
                    concat(List.of("--follow", "--contains", marker, "--comm", "psql", "--limit", "1"), client(TestTokens.VIEWER))));
            TracerApi.awaitSseClients(clientsBefore + 1);
            try (PsqlSession psql = server.openPsql()) {
                psql.query("SELECT '" + marker + "';");
            }
            Run printed = follow.get(20, TimeUnit.SECONDS);
            assertThat(printed.exit()).as(printed.err()).isZero();
            assertThat(printed.out().strip()).contains("client").contains("psql").contains("postgres@postgres")
                    .contains("SELECT '" + marker + "';").contains("[1 rows");
        }
    }

    @Test
    void completionScriptCoversTheCommands() {
        CommandLine root = new CommandLine(new Root());
        StringWriter out = new StringWriter();
        root.setOut(new PrintWriter(out));
        assertThat(root.execute("completion")).isZero();
        assertThat(out.toString()).contains("complete -F").contains("libraries").contains("go-hooks").contains("--follow");
    }

    /** The client commands under one root, as in the packaged command line. */
    @CommandLine.Command(name = "tlsscope", subcommands = {LibrariesCommand.class, CountersCommand.class, LayoutCommand.class,
            GoHooksCommand.class, ScopeCommand.class, EventsCommand.class, CompletionCommand.class})
    static class Root {
    }

    private List<String> client(String token, String... more) {
        List<String> args = new ArrayList<>(List.of("--url", base.toString(), "--token", token));
        args.addAll(List.of(more));
        return args;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private static Run run(Object command, List<String> args) {
        return run(command, args.toArray(String[]::new));
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
