package io.tlsscope.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every client command shares: where the service is, the token, JSON or table output, and the
 * exit codes (0 done, 1 the service refused, with its reason; 2 bad usage; 3 service unreachable).
 */
abstract class ClientCommand implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int UNREACHABLE = 3;
    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "${env:TLSSCOPE_URL:-http://127.0.0.1:7710}",
            description = "the service (default: $TLSSCOPE_URL or ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--token", defaultValue = "${env:TLSSCOPE_TOKEN}",
            description = "API token (default: $TLSSCOPE_TOKEN)")
    String token;

    @Option(names = "--json", description = "print the service's JSON instead of a table")
    boolean json;

    @Override
    public final Integer call() {
        try {
            return run(new ApiClient(url, token));
        } catch (ApiClient.Unreachable unreachable) {
            err().println("tlsscope: " + unreachable.getMessage());
            err().flush();
            return UNREACHABLE;
        }
    }

    abstract int run(ApiClient api) throws ApiClient.Unreachable;

    /** Prints the reply's JSON (--json) or what the table renders of it; on a refusal the problem's detail. */
    int show(ApiClient.Reply reply, java.util.function.Function<JsonNode, String> table) {
        if (!reply.ok()) {
            return refused(reply);
        }
        try {
            JsonNode body = JSON.readTree(reply.body());
            out().println(json ? body.toPrettyString() : table.apply(body));
            out().flush();
            return 0;
        } catch (java.io.IOException notJson) {
            err().println("tlsscope: the service answered with something that is not JSON: " + notJson.getMessage());
            err().flush();
            return REFUSED;
        }
    }

    int refused(ApiClient.Reply reply) {
        String detail;
        try {
            JsonNode problem = JSON.readTree(reply.body());
            detail = problem.path("title").asText("HTTP " + reply.status()) + ": " + problem.path("detail").asText(reply.body());
        } catch (java.io.IOException notAProblem) {
            detail = "HTTP " + reply.status() + ": " + reply.body();
        }
        err().println("tlsscope: " + detail);
        err().flush();
        return REFUSED;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
