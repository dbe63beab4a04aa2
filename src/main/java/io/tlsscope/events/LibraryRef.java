package io.tlsscope.events;

/**
 * The library inode the probe that captured an event sits on.
 *
 * @param id     the registry id (the probe's attach cookie); never reused
 * @param device "major:minor" as /proc/PID/maps shows it; null when the id is unknown
 * @param inode  null when the id is unknown
 */
public record LibraryRef(int id, String device, Long inode) {
}
