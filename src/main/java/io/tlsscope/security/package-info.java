/** Access to /api/v1: bearer tokens kept only as SHA-256 hashes, viewer and admin roles, an audit line per change. */
package io.tlsscope.security;
