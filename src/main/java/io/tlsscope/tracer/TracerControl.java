package io.tlsscope.tracer;

import io.tlsscope.capture.CapturePipeline;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.discovery.LibraryKind;
import io.tlsscope.discovery.LibrarySnapshot;
import io.tlsscope.openssl.LayoutChoice;
import io.tlsscope.openssl.OpenSslLayout;
import io.tlsscope.openssl.OpenSslLayouts;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;

/**
 * What operators see and change of a tracing run, for REST, JMX and the CLI alike: the libraries
 * with their layout and traffic, a forced struct layout, the Go hooks switch. Changes to what is
 * attached run on the discovery thread, so they never race discovery; reads take no lock.
 */
@ApplicationScoped
public class TracerControl {
    private static final Logger LOG = Logger.getLogger(TracerControl.class);

    private final Tracer tracer;
    private final CapturePipeline pipeline;
    private final boolean goHooksAtStart;

    public TracerControl(Tracer tracer, CapturePipeline pipeline, TlsscopeConfig config) {
        this.tracer = tracer;
        this.pipeline = pipeline;
        this.goHooksAtStart = config.go().hooksEnabled();
    }

    /** Every known library; empty while tracing is not running. */
    public List<LibraryStatus> libraries() {
        return tracer.running().map(running -> running.registry().snapshots().stream().map(library -> status(running, library)).toList())
                .orElse(List.of());
    }

    /** The library with this inode. */
    public LibraryStatus library(long inode) {
        Tracer.Running running = running();
        return status(running, byInode(running, inode));
    }

    private LibraryStatus status(Tracer.Running running, LibrarySnapshot library) {
        LayoutChoice layout = library.kind().isOpenSsl() ? running.kernel().layout(library.id()).orElse(null) : null;
        return new LibraryStatus(library, layout, pipeline.traffic(library.id()), running.kernel().libraryCalls(library.id()).orElse(null));
    }

    /**
     * Forces a struct layout on the attached OpenSSL library with this inode, or returns it to
     * detection when layoutName is empty. The forced layout is still validated in the kernel: a
     * wrong one finds no socket and is counted (kernel.fd.layout-rejected), it never misattributes.
     */
    public LibraryStatus forceLayout(long inode, Optional<String> layoutName) {
        Tracer.Running running = running();
        Optional<OpenSslLayout> layout = layoutName.map(name -> OpenSslLayouts.builtIn().byName(name)
                .orElseThrow(() -> new TracerControlException(TracerControlException.Reason.UNKNOWN_LAYOUT,
                        "unknown layout '" + name + "'; known: " + OpenSslLayouts.builtIn().all().stream()
                                .map(OpenSslLayout::name).toList())));
        LibrarySnapshot library = byInode(running, inode);
        LayoutChoice choice = running.kernel().forceLayout(library.id(), layout)
                .orElseThrow(() -> new TracerControlException(TracerControlException.Reason.UNKNOWN_LIBRARY,
                        "library with inode " + inode + " is not attached or is not OpenSSL (Go has no struct layouts)"));
        LOG.infof("layout of %s (id %d): %s", library.key(), library.id(), choice.reason());
        return status(running, library);
    }

    /** Switches the probes of every Go executable off or on, detaching or attaching them now. */
    public void switchGoHooks(boolean enabled) {
        Tracer.Running running = running();
        onDiscoveryThread(running, () -> {
            running.goHooks().switchAll(enabled);
            running.registry().applyGoHooks();
            return null;
        });
        LOG.infof("Go hooks switched %s", enabled ? "on" : "off");
    }

    /** Switches one Go executable's probes off or on. */
    public LibraryStatus switchGoHooks(long inode, boolean enabled) {
        Tracer.Running running = running();
        LibrarySnapshot library = byInode(running, inode);
        if (library.kind() != LibraryKind.GO) {
            throw new TracerControlException(TracerControlException.Reason.UNKNOWN_LIBRARY, "library with inode " + inode
                    + " is not a Go executable (it is " + library.kind().jsonName() + ")");
        }
        LibrarySnapshot switched = onDiscoveryThread(running, () -> {
            running.goHooks().switchOne(library.key(), enabled);
            running.registry().applyGoHooks();
            return running.registry().snapshot(library.key()).orElse(library);
        });
        LOG.infof("Go hooks switched %s for %s", enabled ? "on" : "off", library.key());
        return status(running, switched);
    }

    /** The switch for all Go executables (its configured value while tracing is not running). */
    public boolean goHooksEnabled() {
        return tracer.running().map(running -> running.goHooks().enabledForAll()).orElse(goHooksAtStart);
    }

    /** Runs a change where discovery makes its own, so the two never race; a stopped or stuck discovery is refused. */
    private static <T> T onDiscoveryThread(Tracer.Running running, Callable<T> change) {
        try {
            return running.discovery().onDiscoveryThread(change);
        } catch (IllegalStateException refused) {
            throw new TracerControlException(TracerControlException.Reason.TRACER_DOWN, refused.getMessage());
        }
    }

    private Tracer.Running running() {
        return tracer.running().orElseThrow(() -> new TracerControlException(TracerControlException.Reason.TRACER_DOWN,
                "tracing is not running (" + tracer.state().reason() + ")"));
    }

    /** The one known library with this inode number (a number may recur on several devices). */
    private static LibrarySnapshot byInode(Tracer.Running running, long inode) {
        List<LibrarySnapshot> matches = running.registry().snapshots().stream().filter(library -> library.key().inode() == inode).toList();
        if (matches.size() != 1) {
            throw new TracerControlException(TracerControlException.Reason.UNKNOWN_LIBRARY, matches.isEmpty()
                    ? "no known library has inode " + inode
                    : "inode " + inode + " is on several devices: " + matches.stream().map(LibrarySnapshot::key).toList());
        }
        return matches.getFirst();
    }
}
