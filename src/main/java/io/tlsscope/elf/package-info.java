/** Reading ELF files: sections, symbols and their file offsets, notes, .rodata, DT_NEEDED, build id. */
package io.tlsscope.elf;
