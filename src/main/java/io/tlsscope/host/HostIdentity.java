package io.tlsscope.host;

/**
 * The host an event comes from, named on every SSE event and Kafka record so that a fleet's events
 * can be told apart after they meet in one place.
 *
 * @param id   stable across restarts and renames: the systemd machine id (/etc/machine-id), 32 hex digits
 * @param name the hostname when the service started
 */
public record HostIdentity(String id, String name) {
}
