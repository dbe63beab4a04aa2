/**
 * The counter catalogue: every counter of the service, each with its kind (total or level), its
 * description and the part of the service that owns it, gathered from the
 * {@link io.tlsscope.counters.CounterSource}s. REST, Prometheus and JMX all show this one list.
 */
package io.tlsscope.counters;
