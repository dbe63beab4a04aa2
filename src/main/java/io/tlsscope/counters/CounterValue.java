package io.tlsscope.counters;

/**
 * One counter as the REST API and JMX show it.
 *
 * @param kind  "total" (since start) or "level" (how many now)
 * @param owner the part of the service that counts it
 */
public record CounterValue(String name, long value, String kind, String owner, String description) {
}
