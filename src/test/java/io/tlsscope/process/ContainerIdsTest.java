package io.tlsscope.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cgroup path forms as container runtimes write them (docker with the systemd and cgroupfs
 * drivers, containerd under Kubernetes, CRI-O, podman); the id is made up, the shapes are real.
 */
class ContainerIdsTest {
    private static final String ID = "3f4a1c2b9d8e7f60112233445566778899aabbccddeeff00112233445566aabb";

    @Test
    void findsTheIdInEachRuntimesPathForm() {
        for (String path : List.of(
                "0::/system.slice/docker-" + ID + ".scope",
                "12:memory:/docker/" + ID,
                "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-" + ID + ".scope",
                "0::/kubepods/besteffort/pod5678/" + ID,
                "0::/machine.slice/libpod-" + ID + ".scope/container",
                "0::/kubepods.slice/crio-" + ID + ".scope")) {
            assertThat(ContainerIds.fromCgroupFile(List.of(path))).as(path).contains(ID);
        }
    }

    @Test
    void aHostProcessHasNoContainer() {
        assertThat(ContainerIds.fromCgroupFile(List.of("0::/user.slice/user-1000.slice/session-3.scope",
                "4:memory:/process_api/74446b0b3e92b6572a605ac2705312c2", "0::/"))).isEmpty();
    }
}
