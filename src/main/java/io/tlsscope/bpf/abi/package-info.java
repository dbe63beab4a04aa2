/**
 * The Java mirror of src/main/bpf/tlsscope.h, the one contract across the kernel/user boundary:
 * struct layouts, enums with their wire values, constants; values written field by field through
 * the layouts ({@link io.tlsscope.bpf.abi.StructValue}). KernelAbiTest checks it against the header.
 */
package io.tlsscope.bpf.abi;
