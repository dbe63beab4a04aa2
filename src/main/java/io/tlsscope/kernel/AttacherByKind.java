package io.tlsscope.kernel;

import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibraryMapping;

/** Sends each library to the attacher for its kind: OpenSSL's probes (shared or static), or Go's. */
final class AttacherByKind implements LibraryAttacher {
    private final LibraryAttacher openSsl;
    private final LibraryAttacher go;

    AttacherByKind(LibraryAttacher openSsl, LibraryAttacher go) {
        this.openSsl = openSsl;
        this.go = go;
    }

    @Override
    public Attachment attach(int libraryId, LibraryMapping mapping) {
        return switch (mapping.kind()) {
            case OPENSSL, STATIC_OPENSSL -> openSsl.attach(libraryId, mapping);
            case GO -> go.attach(libraryId, mapping);
            case NOT_TLS -> throw new AttachException("attach " + mapping.file().path() + ": it carries no TLS code");
        };
    }
}
