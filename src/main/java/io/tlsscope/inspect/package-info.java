/** {@code tlsscope inspect}: what the tracer would find in and attach to one ELF file, as a report. */
package io.tlsscope.inspect;
