package io.tlsscope.api;

import io.tlsscope.discovery.LibraryAttacher;
import io.tlsscope.discovery.LibrarySnapshot;
import io.tlsscope.kernel.LibraryCalls;
import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.tracer.LibraryStatus;
import java.util.List;

/**
 * A library as the API shows it: its inode and the paths processes mapped it under, kind, version,
 * the struct layout with its source, the processes using it, the probes, the Go hook state, the
 * attach error, and the traffic captured through it since the service started.
 *
 * @param kind         openssl, static-openssl or go
 * @param layoutSource detected, forced, scan or off
 * @param hooksEnabled false while an operator has switched this library's probes off (Go hooks)
 * @param probesOff    why the library has no probes by an operator's choice: Go hooks switched off, or no
 *                     process in scope uses it; absent when it is probed or attachError says why not
 * @param calls        SSL calls captured through this library's probes (received by the service)
 * @param bytes        plaintext bytes captured
 * @param kernelCalls  what the kernel counted of the calls through this library since it was attached:
 *                     seen = captured + dropped + readFailed + failed; absent when not attached
 */
public record LibraryResponse(int id, String device, long inode, List<String> paths, String kind, String family,
                              String version, String layout, String layoutSource, String layoutReason,
                              List<Integer> pids, List<String> probes, boolean hooksEnabled, String probesOff, String attachError,
                              long calls, long bytes, LibraryCalls kernelCalls) {

    static LibraryResponse of(LibraryStatus status) {
        LibrarySnapshot library = status.library();
        LibraryAttacher.AttachedLibrary attached = library.attached();
        LayoutChoice layout = status.layout();
        return new LibraryResponse(library.id(), library.key().device(), library.key().inode(), library.paths(),
                library.kind().jsonName(), attached == null ? null : attached.family(), attached == null ? null : attached.version(),
                layout == null ? null : layout.layoutName(), layout == null ? null : layout.source().jsonName(),
                layout == null ? null : layout.reason(), library.pids(), attached == null ? List.of() : attached.probes(),
                library.hooksEnabled(), library.probesOff(), library.attachError(), status.traffic().calls(), status.traffic().bytes(), status.kernelCalls());
    }
}
