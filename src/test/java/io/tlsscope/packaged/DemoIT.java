package io.tlsscope.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The quickstart as a new user runs it: scripts/demo.sh with the packaged application starts a
 * throw-away PostgreSQL with TLS and a workload, and within seconds prints the statements tlsscope
 * decoded, from psql's side and from the server's, errors included; then removes what it made.
 */
class DemoIT {

    @Test
    void theDemoShowsDecodedStatementsWithinSecondsAndCleansUp() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("scripts/demo.sh").redirectErrorStream(true);
        builder.environment().put("DEMO_SECONDS", "12");
        Process demo = builder.start();
        demo.getOutputStream().close();
        String output;
        try (var in = demo.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(demo.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).as(output).isZero();
        List<String> statements = output.lines().filter(line -> line.contains("FROM orders ORDER BY id DESC")).toList();
        assertThat(statements).as(output).anyMatch(line -> line.contains(" client ")).anyMatch(line -> line.contains(" server "));
        assertThat(output).contains("INSERT INTO orders").contains("ERROR 42P01");
        try (Stream<Path> left = Files.list(Path.of("/tmp"))) {
            assertThat(left.filter(path -> path.getFileName().toString().startsWith("tlsscope-demo-")).toList())
                    .as("the demo's directory and server are gone").isEmpty();
        }
    }
}
