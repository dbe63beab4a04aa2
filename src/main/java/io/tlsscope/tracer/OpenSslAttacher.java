package io.tlsscope.tracer;

import io.tlsscope.bpf.BpfLink;
import io.tlsscope.bpf.BpfMap;
import io.tlsscope.bpf.BpfObject;
import io.tlsscope.bpf.LibbpfException;
import io.tlsscope.bpf.abi.KernelAbi;
import io.tlsscope.bpf.abi.SslFunction;
import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibraryMapping;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import io.tlsscope.openssl.OpenSslVersionDetector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Attaches the OpenSSL probes to one libssl inode: entry and return of SSL_write, SSL_read,
 * SSL_write_ex and SSL_read_ex (those the library exports), with the registry id as attach cookie,
 * and tells the kernel which struct layout to use for that id (none when the version is unknown:
 * the layout-free fd methods still work).
 */
final class OpenSslAttacher implements LibraryAttacher {
    /** Entry and return program names in tlsscope.bpf.c for each function. */
    private static final Map<SslFunction, String[]> PROGRAMS = Map.of(
            SslFunction.SSL_WRITE, new String[] {"ssl_write_entry", "ssl_write_return"},
            SslFunction.SSL_READ, new String[] {"ssl_read_entry", "ssl_read_return"},
            SslFunction.SSL_WRITE_EX, new String[] {"ssl_write_ex_entry", "ssl_write_ex_return"},
            SslFunction.SSL_READ_EX, new String[] {"ssl_read_ex_entry", "ssl_read_ex_return"});

    private final BpfObject object;
    private final BpfMap layouts;
    private final OpenSslLayouts knownLayouts;

    OpenSslAttacher(BpfObject object, OpenSslLayouts knownLayouts) {
        this.object = object;
        this.layouts = object.map("layouts");
        this.knownLayouts = knownLayouts;
    }

    @Override
    public Attachment attach(int libraryId, LibraryMapping mapping) {
        String where = mapping.file().path() + " (" + mapping.key() + ")";
        ElfBinary elf;
        try {
            elf = ElfBinary.open(mapping.openPath());
        } catch (ElfException e) {
            throw new AttachException("attach " + where + ": " + e.getMessage(), e);
        }
        var detected = OpenSslVersionDetector.detect(elf);
        Optional<String> version = detected.map(found -> found.version().text());
        Optional<OpenSslLayout> layout = detected.flatMap(found -> knownLayouts.forVersion(found.version()));

        List<BpfLink> links = new ArrayList<>();
        List<String> probes = new ArrayList<>();
        try {
            for (SslFunction function : SslFunction.values()) {
                OptionalLong offset = elf.symbolFileOffset(function.symbol());
                if (offset.isEmpty()) {
                    continue; // e.g. the _ex forms before OpenSSL 1.1.1
                }
                String[] programs = PROGRAMS.get(function);
                links.add(object.program(programs[0]).attachUprobe(mapping.openPath(), offset.getAsLong(), false, libraryId));
                links.add(object.program(programs[1]).attachUprobe(mapping.openPath(), offset.getAsLong(), true, libraryId));
                probes.add(function.symbol());
            }
            if (probes.isEmpty()) {
                throw new AttachException("attach " + where + ": exports none of SSL_read, SSL_write, SSL_read_ex, SSL_write_ex");
            }
            layouts.update(key(libraryId), layoutValue(layout), BpfMap.BPF_ANY);
        } catch (LibbpfException | AttachException e) {
            links.forEach(BpfLink::close);
            throw e instanceof AttachException attach ? attach : new AttachException("attach " + where + ": " + e.getMessage(), e);
        }
        return new Attachment("openssl", version.orElse(null), layout.map(OpenSslLayout::name).orElse(null),
                List.copyOf(probes), () -> {
                    links.forEach(BpfLink::close);
                    layouts.delete(key(libraryId));
                });
    }

    private static byte[] key(int libraryId) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(libraryId).array();
    }

    /** struct tlsscope_layout; -1 offsets tell the kernel to skip the layout method. */
    private static byte[] layoutValue(Optional<OpenSslLayout> layout) {
        return ByteBuffer.allocate((int) KernelAbi.LAYOUT.byteSize()).order(ByteOrder.nativeOrder())
                .putInt(layout.map(OpenSslLayout::sslRbioOffset).orElse(-1))
                .putInt(layout.map(OpenSslLayout::bioNumOffset).orElse(-1))
                .array();
    }
}
