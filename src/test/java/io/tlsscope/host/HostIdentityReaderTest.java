package io.tlsscope.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostIdentityReaderTest {
    @TempDir
    Path dir;

    private record Overrides(Optional<String> id, Optional<String> name) implements HostConfig {
    }

    private static final Overrides NONE = new Overrides(Optional.empty(), Optional.empty());

    @Test
    void thisHostIsItsMachineIdAndKernelHostname() throws IOException {
        HostIdentity host = HostIdentityReader.system().read(NONE);
        assertThat(host.id()).isEqualTo(Files.readString(Path.of("/etc/machine-id")).strip());
        assertThat(host.name()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    }

    @Test
    void theFirstValidMachineIdFileWins() throws IOException {
        Path broken = Files.writeString(dir.resolve("etc-machine-id"), "uninitialized\n");
        Path dbus = Files.writeString(dir.resolve("dbus-machine-id"), "0123456789abcdef0123456789abcdef\n");
        Path hostname = Files.writeString(dir.resolve("hostname"), "db-17\n");
        HostIdentity host = new HostIdentityReader(List.of(broken, dbus), hostname).read(NONE);
        assertThat(host).isEqualTo(new HostIdentity("0123456789abcdef0123456789abcdef", "db-17"));
    }

    @Test
    void withoutAMachineIdTheIdComesFromTheHostnameTheSameEachTime() throws IOException {
        Path hostname = Files.writeString(dir.resolve("hostname"), "db-17\n");
        HostIdentityReader reader = new HostIdentityReader(List.of(dir.resolve("missing")), hostname);
        HostIdentity first = reader.read(NONE);
        assertThat(first.id()).matches("[0-9a-f]{32}").isEqualTo(reader.read(NONE).id())
                .isNotEqualTo(HostIdentityReader.derivedId("db-18"));
    }

    @Test
    void configuredValuesWin() throws IOException {
        Path id = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        Path hostname = Files.writeString(dir.resolve("hostname"), "db-17\n");
        HostIdentity host = new HostIdentityReader(List.of(id), hostname).read(new Overrides(Optional.of("pod-7"), Optional.of("db-17.example")));
        assertThat(host).isEqualTo(new HostIdentity("pod-7", "db-17.example"));
    }
}
