/**
 * Alerts about the capture itself: drops that begin, sockets not found, layouts rejected, libraries
 * not attached, Go hooks off, the BPF side down, database ports with no statement decoded; raised
 * and cleared by a timer, shown in a health check.
 */
package io.tlsscope.alerts.blindspot;
