package io.tlsscope.events;

/** A record decoded from the kernel's ring buffer. */
public sealed interface KernelEvent permits TlsDataEvent, ProcessEvent {
}
