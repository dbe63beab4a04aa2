/** MXBeans on the platform MBean server: counters, libraries, and the Go hooks switch. */
package io.tlsscope.jmx;
