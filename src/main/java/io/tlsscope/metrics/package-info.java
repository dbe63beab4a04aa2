/** Every counter of the catalogue as a Micrometer meter, for Prometheus at /q/metrics. */
package io.tlsscope.metrics;
