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

    /** The key of a file from stat's st_dev and st_ino: the device decoded as glibc's major() and minor() do. */
    public static LibraryKey ofStat(long deviceNumber, long inode) {
        int major = (int) (((deviceNumber >>> 8) & 0xfffL) | ((deviceNumber >>> 32) & 0xfffff000L));
        int minor = (int) ((deviceNumber & 0xffL) | ((deviceNumber >>> 12) & 0xffffff00L));
        return new LibraryKey(major, minor, inode);
    }

    /** The device as the kernel encodes it inside (MKDEV: major << 20 | minor), e.g. in a superblock's s_dev. */
    public long kernelDeviceNumber() {
        return (Integer.toUnsignedLong(deviceMajor) << 20) | Integer.toUnsignedLong(deviceMinor);
    }

    @Override
    public String toString() {
        return device() + "/" + inode;
    }
}
