package io.tlsscope.discovery;

/** Puts probes on a library inode; implemented by the tracer, called once per inode. */
public interface LibraryAttacher {

    /**
     * Attaches probes to the library mapping points at, under the given registry id.
     *
     * @throws AttachException with a readable reason when nothing could be attached
     */
    Attachment attach(int libraryId, LibraryMapping mapping);

    /** The result of a successful attach; {@code detach} removes every probe it placed. */
    record Attachment(String kind, String version, String layout, java.util.List<String> probes, Runnable detach) {
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
