/**
 * The REST and SSE control plane: thin JAX-RS resources over {@link io.tlsscope.tracer.TracerControl},
 * the counters catalogue and the capture pipeline; the event stream route (one bounded queue per
 * client, batched writes); the JSON views of events; problem+json for every error.
 */
package io.tlsscope.api;
