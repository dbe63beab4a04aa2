/**
 * Scope: which processes are traced (by executable, comm, cgroup or user), as an operator writes
 * it in configuration or through the API, checked and resolved to what the kernel compares
 * (file identities, cgroup ids, uids).
 */
package io.tlsscope.scope;
