/** Small data structures the tracer needs and the JDK lacks: a bounded least-recently-used map. */
package io.tlsscope.collections;
