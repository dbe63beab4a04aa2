/** Which host this service runs on: the identity every event carries. */
package io.tlsscope.host;
