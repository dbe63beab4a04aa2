package io.tlsscope.buildinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The build facts against their sources: the compiled BPF object's bytes and git itself. */
class BuildInfoTest {
    @Test
    void bpfObjectHashIsTheHashOfTheCompiledObject() throws Exception {
        byte[] object = Files.readAllBytes(Path.of("target/classes/bpf/tlsscope.bpf.o"));
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(object));
        assertThat(BuildInfo.current().bpfObjectSha256()).isEqualTo(expected);
    }

    @Test
    void commitIsTheCheckedOutCommitAndTheDateIsFilledIn() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes()).strip();
        BuildInfo build = BuildInfo.current();
        if (git.waitFor() == 0) {
            assertThat(build.commit()).isEqualTo(head);
        } else {
            assertThat(build.commit()).as("built outside git").isEqualTo("unknown");
        }
        assertThat(build.buildDate()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(build.version()).doesNotContain("${").isNotEqualTo("unknown");
    }
}
