package io.tlsscope.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parses this JVM's own real /proc/self/maps and checks it against stat of the mapped files. */
class ProcMapsTest {
    private static final Path PROC = Path.of("/proc");

    @Test
    void mappedFilesCarryTheDeviceAndInodeThatStatReports() throws IOException {
        int self = (int) ProcessHandle.current().pid();
        List<MappedFile> files = ProcMaps.read(PROC, self);
        MappedFile libjvm = files.stream().filter(file -> file.path().endsWith("/libjvm.so")).findFirst()
                .orElseThrow(() -> new AssertionError("libjvm.so not in /proc/self/maps"));
        Map<String, Object> stat = Files.readAttributes(Path.of(libjvm.path()), "unix:dev,ino");
        assertThat(libjvm.key().inode()).isEqualTo((Long) stat.get("ino"));
        assertThat(libjvm.key().deviceNumber()).isEqualTo((Long) stat.get("dev"));
        assertThat(files).allSatisfy(file -> assertThat(file.path()).startsWith("/"));
    }

    @Test
    void recognisesLibsslUnderItsSonames() {
        assertThat(ProcessScanner.isTlsLibrary("/usr/lib/x86_64-linux-gnu/libssl.so.3")).isTrue();
        assertThat(ProcessScanner.isTlsLibrary("/opt/old/lib/libssl.so.1.1")).isTrue();
        assertThat(ProcessScanner.isTlsLibrary("/usr/lib/libssl.so")).isTrue();
        assertThat(ProcessScanner.isTlsLibrary("/usr/lib/x86_64-linux-gnu/libcrypto.so.3")).isFalse();
        assertThat(ProcessScanner.isTlsLibrary("/usr/lib/libssl3.so")).isFalse(); // NSS, not OpenSSL
    }
}
