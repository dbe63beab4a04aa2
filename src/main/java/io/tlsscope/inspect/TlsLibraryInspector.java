package io.tlsscope.inspect;

import io.tlsscope.discovery.LibraryKind;
import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import io.tlsscope.golang.GoExecutable;
import io.tlsscope.golang.GoInspectReport;
import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.openssl.OpenSslLayouts;
import io.tlsscope.openssl.OpenSslVersionDetector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads an ELF file the way the tracer does before attaching to it (OpenSSL, else Go). */
public final class TlsLibraryInspector {
    /** The functions tlsscope probes, in report order. */
    private static final List<String> SSL_FUNCTIONS = List.of("SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex",
            "SSL_set_fd", "SSL_set_rfd", "SSL_set_wfd", "SSL_free");

    private TlsLibraryInspector() {
    }

    /** @throws ElfException when the file is missing, not ELF, malformed or changed while read */
    public static InspectReport inspect(Path file) throws ElfException {
        try (ElfBinary elf = ElfBinary.open(file)) {
            return inspect(file, elf);
        }
    }

    private static InspectReport inspect(Path file, ElfBinary elf) throws ElfException {
        Map<String, String> symbols = new LinkedHashMap<>();
        for (String function : SSL_FUNCTIONS) {
            OptionalLong offset = elf.symbolFileOffset(function);
            if (offset.isPresent()) {
                symbols.put(function, "0x" + Long.toHexString(offset.getAsLong()));
            }
        }
        boolean tls = symbols.containsKey("SSL_read") && symbols.containsKey("SSL_write");
        if (!tls) {
            Optional<GoExecutable> go = GoExecutable.inspect(elf).filter(found -> !found.tlsFunctions().isEmpty());
            return new InspectReport(file.toString(), (go.isPresent() ? LibraryKind.GO : LibraryKind.NOT_TLS).jsonName(), null, null, null, null, null,
                    go.isPresent() ? null : "no SSL_read/SSL_write and no Go crypto/tls: nothing to attach", symbols,
                    elf.buildId().orElse(null), go.map(GoInspectReport::of).orElse(null));
        }
        OpenSslVersionDetector.Detection detection = OpenSslVersionDetector.detect(elf);
        LayoutChoice choice = OpenSslLayouts.builtIn().choose(detection);
        return new InspectReport(
                file.toString(),
                (elf.isSharedObject() ? LibraryKind.OPENSSL : LibraryKind.STATIC_OPENSSL).jsonName(),
                detection.text(),
                detection.exact().map(version -> version.family().jsonName()).orElse(null),
                detection.evidence(),
                choice.layoutName(),
                choice.source().jsonName(),
                choice.reason(),
                symbols,
                elf.buildId().orElse(null),
                null);
    }
}
