/**
 * The command line: {@code serve} (the default) starts tracing behind the API; {@code inspect} and
 * {@code token} are local tools; the rest are clients of a running service.
 */
package io.tlsscope.cli;
