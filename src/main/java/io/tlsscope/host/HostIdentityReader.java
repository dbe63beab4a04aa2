package io.tlsscope.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Reads the host's identity once: the id from /etc/machine-id (or dbus' copy of it), the name from
 * the kernel (/proc/sys/kernel/hostname, the UTS namespace this service runs in). A host without a
 * machine id gets one derived from its hostname, said once in the log: it is stable only as long as
 * the name is.
 */
public final class HostIdentityReader {
    private static final Logger LOG = Logger.getLogger(HostIdentityReader.class);
    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");

    private final List<Path> machineIdFiles;
    private final Path hostnameFile;

    public HostIdentityReader(List<Path> machineIdFiles, Path hostnameFile) {
        this.machineIdFiles = List.copyOf(machineIdFiles);
        this.hostnameFile = hostnameFile;
    }

    /** The files systemd and dbus keep the machine id in, and the kernel's hostname. */
    public static HostIdentityReader system() {
        return new HostIdentityReader(List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id")),
                Path.of("/proc/sys/kernel/hostname"));
    }

    public HostIdentity read(HostConfig overrides) {
        String name = overrides.name().filter(configured -> !configured.isBlank()).orElseGet(this::hostname);
        String id = overrides.id().filter(configured -> !configured.isBlank()).orElseGet(() -> machineId().orElseGet(() -> {
            String derived = derivedId(name);
            LOG.warnf("no machine id in %s: host id %s is derived from the hostname '%s' (set tlsscope.host.id for a stable one)",
                    machineIdFiles, derived, name);
            return derived;
        }));
        return new HostIdentity(id, name);
    }

    private Optional<String> machineId() {
        for (Path file : machineIdFiles) {
            String content = firstLine(file);
            if (content != null && MACHINE_ID.matcher(content).matches()) {
                return Optional.of(content);
            }
        }
        return Optional.empty();
    }

    private String hostname() {
        String name = firstLine(hostnameFile);
        return name == null || name.isEmpty() ? "localhost" : name;
    }

    /** 32 hex digits like a machine id, the same for the same name. */
    static String derivedId(String hostname) {
        UUID uuid = UUID.nameUUIDFromBytes(("tlsscope-host:" + hostname).getBytes(StandardCharsets.UTF_8));
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(uuid.getMostSignificantBits()) + hex.toHexDigits(uuid.getLeastSignificantBits());
    }

    private static String firstLine(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException | SecurityException unreadable) {
            return null;
        }
    }
}
