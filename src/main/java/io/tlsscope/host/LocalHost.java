package io.tlsscope.host;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The identity of the host this service runs on, read once at start. */
@Singleton
public class LocalHost {
    @Produces
    @Singleton
    HostIdentity identity(HostConfig config) {
        return HostIdentityReader.system().read(config);
    }
}
