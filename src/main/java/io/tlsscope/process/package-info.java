/** Facts about processes from /proc: the container a process runs in, from its cgroup. */
package io.tlsscope.process;
