package io.tlsscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.testsupport.GoToolchain;
import io.tlsscope.testsupport.NodeBinaries;
import io.tlsscope.testsupport.Readelf;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `tlsscope inspect` on real files of this machine, checked against readelf and `openssl version`. */
class InspectCommandTest {
    private static final Path LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

    private record Run(int exitCode, String out, String err) {
    }

    private static Run inspect(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new InspectCommand());
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int exitCode = command.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void reportsTheSystemLibsslVersionLayoutAndOffsets() throws IOException {
        Run run = inspect(LIBSSL.toString());
        assertThat(run.exitCode()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("kind").asText()).isEqualTo("openssl");
        assertThat(report.get("version").asText()).startsWith("OpenSSL " + Readelf.systemOpensslVersionNumber() + " ");
        assertThat(report.get("family").asText()).isEqualTo("openssl");
        assertThat(report.get("versionEvidence").asText()).contains("libcrypto.so.3 (DT_NEEDED of libssl.so.3)");
        assertThat(report.get("layoutSource").asText()).isEqualTo("detected");
        assertThat(report.get("layout").asText()).isEqualTo("openssl-3.0");
        for (String function : new String[] {"SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex"}) {
            long expected = Readelf.functionFileOffset(LIBSSL, function).orElseThrow();
            assertThat(Long.decode(report.at("/symbols/" + function).asText())).as(function).isEqualTo(expected);
        }
        assertThat(report.get("buildId").asText()).matches("[0-9a-f]{40}");
    }

    @Test
    void aNodeBinaryIsStaticQuictlsWithTheLayoutAndWhy() throws IOException {
        Path node = NodeBinaries.fetch("16.20.2");
        JsonNode report = new ObjectMapper().readTree(inspect(node.toString()).out());
        assertThat(report.get("kind").asText()).isEqualTo("static-openssl");
        assertThat(report.get("family").asText()).isEqualTo("quictls");
        assertThat(report.get("version").asText()).startsWith("OpenSSL 1.1.1v+quic");
        assertThat(report.get("versionEvidence").asText()).isEqualTo("version banner in .rodata of " + node);
        assertThat(report.get("layout").asText()).isEqualTo("openssl-1.1.1");
        assertThat(report.get("layoutReason").asText()).contains("quictls 1.1.1v").contains("[1.1.1, 1.1.2)");
        long expected = Readelf.functionFileOffset(node, "SSL_write").orElseThrow();
        assertThat(Long.decode(report.at("/symbols/SSL_write").asText())).isEqualTo(expected);
    }

    @Test
    void aStrippedGoBinaryShowsItsVersionAbiAndTheReturnsOfReadAndWrite(@TempDir Path directory) throws Exception {
        Path binary = GoToolchain.debian119().build("go-tls-pair", directory.resolve("pair"), true);
        JsonNode report = new ObjectMapper().readTree(inspect(binary.toString()).out());
        assertThat(report.get("kind").asText()).isEqualTo("go");
        JsonNode go = report.get("go");
        assertThat(go.get("goVersion").asText()).isEqualTo("go1.19.8");
        assertThat(go.get("abi").asText()).isEqualTo("register");
        assertThat(go.get("connLayout").asText()).isEqualTo("go-1.9");
        assertThat(go.at("/buildSettings/-ldflags").asText()).isEqualTo("\"-s -w\"");
        assertThat(go.get("functions")).hasSize(2).allSatisfy(function -> {
            assertThat(function.get("foundVia").asText()).isEqualTo("pclntab 1.18");
            assertThat(function.get("returnFileOffsets")).isNotEmpty();
            assertThat(function.get("returnsFoundBy").asText()).startsWith("decoding all");
        });
    }

    @Test
    void anElfWithoutOpensslIsNotTls() throws IOException {
        Run run = inspect("/bin/true");
        assertThat(run.exitCode()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).get("kind").asText()).isEqualTo("not-tls");
    }

    @Test
    void aTextFileIsRejectedInOneLine(@TempDir Path directory) throws IOException {
        Path text = Files.writeString(directory.resolve("notes.txt"), "not an ELF file\n");
        Run run = inspect(text.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).startsWith("tlsscope inspect: read ELF " + text).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aMissingFileIsRejectedInOneLine() {
        Run run = inspect("/nonexistent/libssl.so.3");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("tlsscope inspect: read ELF /nonexistent/libssl.so.3: no such file");
    }
}
