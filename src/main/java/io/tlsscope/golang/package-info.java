/**
 * Go executables: build info, the function table (.symtab or pclntab), every RET of
 * crypto/tls.(*Conn).Read and Write found with an x86-64 length decoder, and the struct offsets
 * behind a connection's fd (from DWARF or the version table).
 */
package io.tlsscope.golang;
