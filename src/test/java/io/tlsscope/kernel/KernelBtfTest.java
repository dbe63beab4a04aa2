package io.tlsscope.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelBtfTest {
    private static final Path RUNNING_KERNEL = Path.of("/sys/kernel/btf/vmlinux");

    @Test
    void theRunningKernelNamesItsKernelFunctionsAndNotMadeUpOnes() {
        KernelBtf btf = new KernelBtf(RUNNING_KERNEL);

        assertThat(btf.names("bpf_ringbuf_reserve")).as("a BPF helper implementation every 5.8+ kernel has").isTrue();
        assertThat(btf.names(UserMemoryReads.COPY_KFUNC)).as("this machine's kernel is 6.18").isTrue();
        assertThat(btf.names("bpf_copy_from_user_dynptr_that_does_not_exist")).isFalse();
    }

    @Test
    void aNameMustBeWholeBetweenTheTableDelimiters(@TempDir Path directory) throws Exception {
        Path strings = directory.resolve("btf");
        Files.write(strings, "\0bpf_copy_from_user\0xbpf_copy_from_user_dynptr\0".getBytes(StandardCharsets.US_ASCII));
        KernelBtf btf = new KernelBtf(strings);

        assertThat(btf.names("bpf_copy_from_user")).isTrue();
        assertThat(btf.names("bpf_copy_from_user_dynptr")).as("only as a suffix of another name").isFalse();
        assertThat(btf.names("copy_from_user")).as("only as a suffix").isFalse();
    }

    @Test
    void anUnreadableFileNamesNothing(@TempDir Path directory) {
        assertThat(new KernelBtf(directory.resolve("missing")).names("bpf_ringbuf_reserve")).isFalse();
    }
}
