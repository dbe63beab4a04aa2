package io.tlsscope.discovery;

import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.openssl.OpenSslLayout;
import java.util.List;
import java.util.Optional;

/** Puts probes on a library inode; implemented by the tracer, called once per inode. */
public interface LibraryAttacher {

    /**
     * Attaches probes to the library mapping points at, under the given registry id.
     *
     * @throws AttachException with a readable reason when nothing could be attached
     */
    Attachment attach(int libraryId, LibraryMapping mapping);

    /**
     * The result of a successful attach; {@code detach} removes every probe it placed.
     *
     * @param family  openssl, quictls, libressl or boringssl when a version banner named it
     * @param version the version banner, or the family the file name suggests; the Go toolchain for Go
     * @param layout  the OpenSSL struct-layout choice; null for Go
     */
    record Attachment(String kind, String family, String version, List<String> probes, LayoutControl layout,
                      Runnable detach) {
    }

    /** The struct-layout choice of one attached library, changeable while it is attached. */
    interface LayoutControl {
        LayoutChoice current();

        /** Forces a layout, or goes back to the detected choice when empty; returns the new choice. */
        LayoutChoice force(Optional<OpenSslLayout> layout);
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
