/** Picocli commands that are HTTP clients of a running service: same filters, tokens and exit codes everywhere. */
package io.tlsscope.cli.client;
