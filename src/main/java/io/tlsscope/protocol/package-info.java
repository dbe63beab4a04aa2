/**
 * Where captured plaintext meets the database protocols, once: recognition, then per connection a
 * session that frames each direction, blanks credentials in place in the same walk, and decodes
 * statements into query events. Connections not recognised are masked fail-closed. See the
 * postgres and mysql packages for the wire specifications.
 */
package io.tlsscope.protocol;
