/** TCP sockets as /proc shows them: /proc/PID/fd socket inodes and /proc/PID/net/tcp{,6}, for seeding the kernel connection table. */
package io.tlsscope.conn;
