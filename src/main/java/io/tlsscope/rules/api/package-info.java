/** REST (/api/v1/rules, /api/v1/alerts) and JMX (io.tlsscope:type=Alerts) for rules and alerts. */
package io.tlsscope.rules.api;
