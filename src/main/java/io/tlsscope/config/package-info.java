/** The service settings ({@code tlsscope.*}) with their defaults, and how built-in data files are read. */
package io.tlsscope.config;
