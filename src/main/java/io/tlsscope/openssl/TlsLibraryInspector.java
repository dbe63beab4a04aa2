package io.tlsscope.openssl;

import io.tlsscope.elf.ElfBinary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads an ELF file the way the tracer would before attaching to it. */
public final class TlsLibraryInspector {
    /** The functions tlsscope probes or may probe, in report order. */
    static final List<String> SSL_FUNCTIONS = List.of("SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex",
            "SSL_set_fd", "SSL_set_rfd", "SSL_set_wfd", "SSL_new", "SSL_free");

    private TlsLibraryInspector() {
    }

    /** @throws io.tlsscope.elf.ElfException when the file is missing or not ELF */
    public static InspectReport inspect(Path file) {
        ElfBinary elf = ElfBinary.open(file);
        Map<String, String> symbols = new LinkedHashMap<>();
        for (String function : SSL_FUNCTIONS) {
            elf.symbolFileOffset(function).ifPresent(offset -> symbols.put(function, "0x" + Long.toHexString(offset)));
        }
        boolean tls = symbols.containsKey("SSL_read") && symbols.containsKey("SSL_write");
        String kind = !tls ? "not-tls" : elf.isSharedObject() ? "openssl" : "static-openssl";
        Optional<OpenSslVersionDetector.DetectedVersion> detected = tls ? OpenSslVersionDetector.detect(elf) : Optional.empty();
        Optional<OpenSslLayout> layout = detected.flatMap(found -> OpenSslLayouts.load().forVersion(found.version()));
        return new InspectReport(
                file.toString(),
                kind,
                detected.map(found -> found.version().text()).orElse(null),
                detected.map(found -> found.foundIn().toString()).orElse(null),
                layout.map(OpenSslLayout::name).orElse(null),
                layoutReason(tls, detected, layout),
                symbols,
                elf.buildId().orElse(null));
    }

    private static String layoutReason(boolean tls, Optional<OpenSslVersionDetector.DetectedVersion> detected,
                                       Optional<OpenSslLayout> layout) {
        if (!tls) {
            return "no SSL_read/SSL_write: nothing to attach";
        }
        if (detected.isEmpty()) {
            return "no OpenSSL version banner found: the fd comes from the nested syscall only";
        }
        String version = detected.get().version().number();
        return layout.map(found -> "version " + version + " is in [" + found.min() + ", " + found.maxExclusive() + ")")
                .orElse("no known layout for version " + version + ": the fd comes from the nested syscall only");
    }
}
