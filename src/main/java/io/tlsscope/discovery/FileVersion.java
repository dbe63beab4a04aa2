package io.tlsscope.discovery;

/**
 * Which file an inode holds now: size and modification time. A deleted file's inode number is
 * soon given to a new file; the same (device, inode) with another version is another file, and
 * nothing learnt about the old one (its probes, whether it carries OpenSSL) may carry over.
 */
public record FileVersion(long size, long modifiedNanos) {
}
