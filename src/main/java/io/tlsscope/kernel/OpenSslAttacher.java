package io.tlsscope.kernel;

import io.tlsscope.bpf.BpfLink;
import io.tlsscope.bpf.BpfObject;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibraryMapping;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import io.tlsscope.openssl.OpenSslVersionDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attaches the OpenSSL probes to one libssl inode (or an executable carrying OpenSSL): entry and
 * return of SSL_write, SSL_read, SSL_write_ex and SSL_read_ex, entry of SSL_set_fd, SSL_set_rfd,
 * SSL_set_wfd and SSL_free (those the file exports), with the registry id as attach cookie; and
 * tells the kernel which struct layout to try first for that id, which an operator may override.
 */
final class OpenSslAttacher implements LibraryAttacher {
    /** Entry and return program names in tlsscope.bpf.c for each data function. */
    private static final Map<SslFunction, String[]> DATA_PROGRAMS = Map.of(
            SslFunction.SSL_WRITE, new String[] {"ssl_write_entry", "ssl_write_return"},
            SslFunction.SSL_READ, new String[] {"ssl_read_entry", "ssl_read_return"},
            SslFunction.SSL_WRITE_EX, new String[] {"ssl_write_ex_entry", "ssl_write_ex_return"},
            SslFunction.SSL_READ_EX, new String[] {"ssl_read_ex_entry", "ssl_read_ex_return"});
    /** Entry-only programs: the fds a process names explicitly, and forgetting them at SSL_free. */
    private static final Map<String, String> ENTRY_PROGRAMS = Map.of(
            "SSL_set_fd", "ssl_set_fd_entry",
            "SSL_set_rfd", "ssl_set_rfd_entry",
            "SSL_set_wfd", "ssl_set_wfd_entry",
            "SSL_free", "ssl_free_entry");

    private final BpfObject object;
    private final KernelLayoutTable kernelLayouts;
    private final OpenSslLayouts knownLayouts;
    private final UserMemoryReads reads;
    /** Layout choices of the attached libraries by id; operators change them from request threads. */
    private final Map<Integer, LibraryLayout> layouts = new ConcurrentHashMap<>();

    OpenSslAttacher(BpfObject object, KernelLayoutTable kernelLayouts, OpenSslLayouts knownLayouts, UserMemoryReads reads) {
        this.object = object;
        this.reads = reads;
        this.kernelLayouts = kernelLayouts;
        this.knownLayouts = knownLayouts;
    }

    @Override
    public Attachment attach(int libraryId, LibraryMapping mapping) {
        String where = mapping.file().path() + " (" + mapping.key() + ")";
        try (ElfBinary elf = ElfBinary.open(mapping.openPath())) {
            return attach(libraryId, mapping, where, elf);
        } catch (ElfException e) {
            throw new AttachException("attach " + where + ": " + e.getMessage(), e);
        }
    }

    private Attachment attach(int libraryId, LibraryMapping mapping, String where, ElfBinary elf) throws ElfException {
        OpenSslVersionDetector.Detection detection = OpenSslVersionDetector.detect(elf);
        LayoutChoice detected = knownLayouts.choose(detection);

        List<BpfLink> links = new ArrayList<>();
        List<String> probes = new ArrayList<>();
        try {
            // the layout before the probes: a call returning between the two would be read with no layout
            kernelLayouts.apply(libraryId, detected);
            for (SslFunction function : List.of(SslFunction.SSL_WRITE, SslFunction.SSL_READ, SslFunction.SSL_WRITE_EX,
                    SslFunction.SSL_READ_EX)) {
                OptionalLong offset = elf.symbolFileOffset(function.symbol());
                if (offset.isEmpty()) {
                    continue; // e.g. the _ex forms before OpenSSL 1.1.1
                }
                String[] programs = DATA_PROGRAMS.get(function);
                links.add(object.program(programs[0]).attachUprobe(mapping.openPath(), offset.getAsLong(), false, libraryId));
                links.add(object.program(reads.returnProgram(programs[1])).attachUprobe(mapping.openPath(), offset.getAsLong(), true, libraryId));
                probes.add(function.symbol());
            }
            if (probes.isEmpty()) {
                throw new AttachException("attach " + where + ": exports none of SSL_read, SSL_write, SSL_read_ex, SSL_write_ex");
            }
            for (Map.Entry<String, String> entry : ENTRY_PROGRAMS.entrySet()) {
                OptionalLong offset = elf.symbolFileOffset(entry.getKey());
                if (offset.isPresent()) {
                    links.add(object.program(entry.getValue()).attachUprobe(mapping.openPath(), offset.getAsLong(), false, libraryId));
                    probes.add(entry.getKey());
                }
            }
        } catch (LibbpfException | AttachException | ElfException e) {
            // the file can fail to read between two attaches (truncated or rewritten): undo what was attached
            links.forEach(BpfLink::close);
            kernelLayouts.forget(libraryId);
            throw e instanceof AttachException attach ? attach : new AttachException("attach " + where + ": " + e.getMessage(), e);
        }
        String family = detection.exact().map(version -> version.family().jsonName()).orElse(null);
        layouts.put(libraryId, new LibraryLayout(libraryId, detected));
        return new Attachment(new AttachedLibrary(family, detection.text(), List.copyOf(probes)), () -> {
            links.forEach(BpfLink::close);
            layouts.remove(libraryId);
            kernelLayouts.forget(libraryId);
        });
    }

    /** The struct-layout choice of an attached OpenSSL library; empty when no such library is attached. */
    Optional<LayoutChoice> layout(int libraryId) {
        return Optional.ofNullable(layouts.get(libraryId)).map(LibraryLayout::current);
    }

    /**
     * Forces a layout on an attached library, or goes back to the detected choice when empty.
     *
     * @return the new choice; empty when no OpenSSL library with that id is attached
     */
    Optional<LayoutChoice> force(int libraryId, Optional<OpenSslLayout> layout) {
        return Optional.ofNullable(layouts.get(libraryId)).map(library -> library.force(layout));
    }

    /** The layout choice of one library id, kept in step with the kernel's library_layouts map. */
    private final class LibraryLayout {
        private final int libraryId;
        private final LayoutChoice detected;
        private volatile LayoutChoice current;

        LibraryLayout(int libraryId, LayoutChoice detected) {
            this.libraryId = libraryId;
            this.detected = detected;
            this.current = detected;
        }

        LayoutChoice current() {
            return current;
        }

        synchronized LayoutChoice force(Optional<OpenSslLayout> layout) {
            LayoutChoice next = layout.map(LayoutChoice::forced).orElse(detected);
            kernelLayouts.apply(libraryId, next);
            current = next;
            return next;
        }
    }
}
