/**
 * The life of tracing and what operators do with it: {@link io.tlsscope.tracer.Tracer} starts and
 * stops a run (kernel session, discovery, capture pipeline, fail-open), {@link io.tlsscope.tracer.TracerControl}
 * shows and changes it (libraries, layouts, Go hooks), and the counter sources of the kernel and discovery.
 */
package io.tlsscope.tracer;
