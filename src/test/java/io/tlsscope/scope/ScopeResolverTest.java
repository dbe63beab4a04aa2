package io.tlsscope.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsscope.discovery.LibraryKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checking and resolving a scope as written, against real files: a user database and a mountinfo
 * of the test's own, a temporary directory standing for the cgroup v2 mount, and real executables.
 */
class ScopeResolverTest {
    @TempDir
    Path directory;
    private Path cgroupRoot;
    private ScopeResolver resolver;

    @BeforeEach
    void hostOfOurOwn() throws IOException {
        Path passwd = Files.writeString(directory.resolve("passwd"), """
                root:x:0:0:root:/root:/bin/bash
                postgres:x:101:104:PostgreSQL administrator:/var/lib/postgresql:/bin/bash
                """);
        cgroupRoot = Files.createDirectories(directory.resolve("cgroup2"));
        Path mountInfo = Files.writeString(directory.resolve("mountinfo"), """
                26 1 254:0 / / rw,relatime - ext4 /dev/vda rw
                40 30 0:37 / %s rw,relatime - cgroup2 cgroup2 rw,nsdelegate
                """.formatted(cgroupRoot));
        resolver = new ScopeResolver(passwd, mountInfo);
    }

    @Test
    void nothingListedIsEveryProcess() {
        assertThat(resolver.resolve(ProcessScope.EVERYTHING).limited()).isFalse();
    }

    @Test
    void anExecutableIsItsFileAsStatSeesIt() throws IOException {
        Path sh = Path.of("/bin/sh").toRealPath();
        Map<String, Object> stat = Files.readAttributes(sh, "unix:dev,ino");
        ResolvedScope scope = resolver.resolve(new ProcessScope(List.of("/bin/sh"), null, null, null));
        assertThat(scope.limited()).isTrue();
        assertThat(scope.executables()).singleElement().satisfies(file -> {
            assertThat(file.inode()).isEqualTo(stat.get("ino"));
            assertThat(file.deviceNumber()).as("glibc's encoding, back").isEqualTo(stat.get("dev"));
        });
    }

    @Test
    void usersByNameOrUid() {
        ResolvedScope scope = resolver.resolve(new ProcessScope(null, null, null, List.of("postgres", "4242")));
        assertThat(scope.uids()).containsExactlyInAnyOrder(101, 4242);
    }

    @Test
    void aCgroupIsTheInodeOfItsDirectoryUnderTheCgroup2Mount() throws IOException {
        Path service = Files.createDirectories(cgroupRoot.resolve("system.slice/postgresql.service"));
        ResolvedScope scope = resolver.resolve(new ProcessScope(null, null, List.of("/system.slice/postgresql.service"), null));
        assertThat(scope.cgroupIds()).containsExactly((Long) Files.getAttribute(service, "unix:ino"));
    }

    @Test
    void commsAsTheKernelKeepsThem() {
        assertThat(resolver.resolve(new ProcessScope(null, List.of("postgres", "x".repeat(15)), null, null)).comms())
                .containsExactlyInAnyOrder("postgres", "x".repeat(15));
    }

    @Test
    void badEntriesAreRefusedNamingTheValueAndTheList() throws IOException {
        Files.createFile(directory.resolve("a-file"));
        assertRefused(new ProcessScope(List.of("postgres"), null, null, null), "executables", "'postgres' is not an absolute path");
        assertRefused(new ProcessScope(List.of("/no/such/postgres"), null, null, null), "executables", "is not a file on this host");
        assertRefused(new ProcessScope(List.of(directory.toString()), null, null, null), "executables", "is not a file");
        assertRefused(new ProcessScope(null, List.of("x".repeat(16)), null, null), "comms", "must be 1..15 bytes");
        assertRefused(new ProcessScope(null, List.of(""), null, null), "comms", "must be 1..15 bytes");
        assertRefused(new ProcessScope(null, null, List.of("system.slice"), null), "cgroups", "is not a path from the cgroup v2 root");
        assertRefused(new ProcessScope(null, null, List.of("/no-such.slice"), null), "cgroups", "'/no-such.slice' does not exist");
        assertRefused(new ProcessScope(null, null, List.of("/../../a-file"), null), "cgroups", "does not exist");
        assertRefused(new ProcessScope(null, null, null, List.of("nobody-here")), "users", "'nobody-here' is neither a uid nor a name");
        assertRefused(new ProcessScope(null, null, null, List.of("4294967295")), "users", "neither a uid");
        assertRefused(new ProcessScope(null, Collections.nCopies(257, "postgres"), null, null), "comms", "at most 256 entries");
    }

    @Test
    void cgroupsNeedACgroup2Mount() throws IOException {
        Path noCgroup2 = Files.writeString(directory.resolve("mountinfo-v1"), "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");
        ScopeResolver v1Only = new ScopeResolver(directory.resolve("passwd"), noCgroup2);
        assertThatThrownBy(() -> v1Only.resolve(new ProcessScope(null, null, List.of("/"), null)))
                .isInstanceOf(ScopeException.class).hasMessageContaining("no cgroup v2 hierarchy is mounted");
    }

    @Test
    void aStatDeviceNumberComesBackAsMajorAndMinor() {
        // makedev(259, 65536): a minor beyond 8 bits and a major beyond 8 bits, as NVMe partitions have
        long deviceNumber = ((259L & 0xfff) << 8) | (65536L & 0xff) | ((65536L & ~0xffL) << 12);
        LibraryKey key = LibraryKey.ofStat(deviceNumber, 7);
        assertThat(key.deviceMajor()).isEqualTo(259);
        assertThat(key.deviceMinor()).isEqualTo(65536);
        assertThat(key.deviceNumber()).isEqualTo(deviceNumber);
        assertThat(key.kernelDeviceNumber()).isEqualTo((259L << 20) | 65536);
    }

    private void assertRefused(ProcessScope scope, String field, String message) {
        assertThatThrownBy(() -> resolver.resolve(scope)).isInstanceOfSatisfying(ScopeException.class, refused -> {
            assertThat(refused.field()).isEqualTo(field);
            assertThat(refused.getMessage()).contains(message);
        });
    }
}
