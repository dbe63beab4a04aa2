/**
 * Alerts and where they go: the alert event, the event bus, the recent store, webhooks (bounded
 * queue and thread per receiver, retries) and a Prometheus counter per rule.
 */
package io.tlsscope.alerts;
