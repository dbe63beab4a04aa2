package io.tlsscope.tracer;

import io.tlsscope.capture.LibraryTraffic;
import io.tlsscope.discovery.LibrarySnapshot;
import io.tlsscope.kernel.LibraryCalls;
import io.tlsscope.openssl.LayoutChoice;

/**
 * One library as the control plane shows it: what discovery knows, the OpenSSL struct-layout
 * choice (null for Go and for libraries not attached), the traffic captured through it, and what
 * the kernel counted of its calls (null when not attached).
 */
public record LibraryStatus(LibrarySnapshot library, LayoutChoice layout, LibraryTraffic.Totals traffic, LibraryCalls kernelCalls) {
}
