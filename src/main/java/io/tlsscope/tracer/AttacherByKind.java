package io.tlsscope.tracer;

import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibraryKind;
import io.tlsscope.discovery.LibraryMapping;
import java.util.Map;

/** Sends each library to the attacher for its kind (OpenSSL or Go). */
final class AttacherByKind implements LibraryAttacher {
    private final Map<LibraryKind, LibraryAttacher> attachers;

    AttacherByKind(Map<LibraryKind, LibraryAttacher> attachers) {
        this.attachers = Map.copyOf(attachers);
    }

    @Override
    public Attachment attach(int libraryId, LibraryMapping mapping) {
        LibraryAttacher attacher = attachers.get(mapping.kind());
        if (attacher == null) {
            throw new AttachException("attach " + mapping.file().path() + ": no attacher for " + mapping.kind());
        }
        return attacher.attach(libraryId, mapping);
    }
}
