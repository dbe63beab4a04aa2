package io.tlsscope.host;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Overrides of what the host reports as itself, prefix {@code tlsscope.host}. */
@ConfigMapping(prefix = "tlsscope.host")
public interface HostConfig {
    /**
     * The host id instead of /etc/machine-id: for a container whose /etc/machine-id is the image's
     * (the same on every host) or missing.
     */
    Optional<String> id();

    /** The host name instead of the kernel's hostname. */
    Optional<String> name();
}
