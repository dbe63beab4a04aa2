package io.tlsscope.discovery;

import java.util.List;

/** Puts probes on a library inode; implemented by the kernel side, called once per inode. */
public interface LibraryAttacher {

    /**
     * Attaches probes to the library mapping points at, under the given registry id.
     *
     * @throws AttachException with a readable reason when nothing could be attached
     */
    Attachment attach(int libraryId, LibraryMapping mapping);

    /** A successful attach: what was found and probed, and how to remove every probe it placed. */
    record Attachment(AttachedLibrary library, Runnable detach) {
    }

    /**
     * What the attacher learnt of a library.
     *
     * @param family  openssl, quictls, libressl or boringssl when a version banner named it
     * @param version the version banner, or the family the file name suggests; the Go toolchain for Go
     * @param probes  the probed functions, for people
     */
    record AttachedLibrary(String family, String version, List<String> probes) {
    }

    /** Attaching a library failed; the message says which library and why. */
    final class AttachException extends RuntimeException {
        public AttachException(String message, Throwable cause) {
            super(message, cause);
        }

        public AttachException(String message) {
            super(message);
        }
    }
}
