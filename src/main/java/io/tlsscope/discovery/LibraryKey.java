package io.tlsscope.discovery;

/**
 * Identity of a mapped file: device and inode, as /proc/PID/maps shows them. Uprobes live on the
 * inode, so this is the unit of attachment, whatever path or mount namespace a process used.
 */
public record LibraryKey(int deviceMajor, int deviceMinor, long inode) {

    /** "major:minor" in two-digit hexadecimal, as /proc/PID/maps prints it. */
    public String device() {
        return "%02x:%02x".formatted(deviceMajor, deviceMinor);
    }

    /** The device as glibc's makedev() encodes it, to compare with stat's st_dev. */
    public long deviceNumber() {
        long major = Integer.toUnsignedLong(deviceMajor);
        long minor = Integer.toUnsignedLong(deviceMinor);
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    @Override
    public String toString() {
        return device() + "/" + inode;
    }
}
