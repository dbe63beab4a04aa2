package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.tlsscope.discovery.LibraryRegistry;

/**
 * A library as the API shows it: what the registry knows (device, inode, paths, kind, version,
 * layout and its source, pids, probes, Go hook state, attach error) and the traffic captured
 * through it since the service started.
 *
 * @param calls SSL calls captured through this library's probes
 * @param bytes plaintext bytes captured
 */
public record LibraryResponse(@JsonUnwrapped LibraryRegistry.LibraryView library, long calls, long bytes) {
}
