/**
 * Which processes use which TLS library inodes: /proc scans at start and after exec, the registry
 * that attaches each inode once and detaches it when its last user is gone, the Go hooks policy.
 * All changes happen on the one discovery thread; others read published snapshots.
 */
package io.tlsscope.discovery;
