/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * TCP socket lookup by fd in the current task's fd table (CO-RE), and the conns map around it.
 * No kprobes on this kernel: connections are learned from syscall tracepoints and from the fd
 * table of the task making an SSL call (covers fds inherited across fork, e.g. PostgreSQL backends
 * whose socket was accepted by the postmaster).
 */
#ifndef TLSSCOPE_CONN_H
#define TLSSCOPE_CONN_H

#include "maps.h"

#define TLSSCOPE_AF_INET 2
#define TLSSCOPE_AF_INET6 10
#define TLSSCOPE_IPPROTO_TCP 6
#define TLSSCOPE_SOCK_STREAM 1
#define TLSSCOPE_S_IFMT 00170000
#define TLSSCOPE_S_IFSOCK 0140000

/* The struct sock behind fd in the current task, or NULL if fd is not a socket. */
static __always_inline struct sock *socket_of_fd(__s32 fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *table = BPF_CORE_READ(task, files, fdt);
	struct file **files;
	struct file *file = NULL;
	struct socket *socket;
	umode_t mode;

	if (fd < 0 || !table || (__u32)fd >= BPF_CORE_READ(table, max_fds))
		return NULL;
	files = BPF_CORE_READ(table, fd);
	if (bpf_core_read(&file, sizeof(file), &files[fd]) || !file)
		return NULL;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & TLSSCOPE_S_IFMT) != TLSSCOPE_S_IFSOCK)
		return NULL;
	socket = BPF_CORE_READ(file, private_data);
	return socket ? BPF_CORE_READ(socket, sk) : NULL;
}

/* Fills tuple from the TCP socket sk; returns 0 when it is a connected IPv4/IPv6 TCP socket. */
static __always_inline int tcp_tuple_of_sock(struct sock *sk, struct tlsscope_tuple *tuple)
{
	__u16 family;

	if (!sk)
		return -1;
	if (BPF_CORE_READ(sk, sk_protocol) != TLSSCOPE_IPPROTO_TCP ||
	    BPF_CORE_READ(sk, sk_type) != TLSSCOPE_SOCK_STREAM)
		return -1;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	tuple->family = family;
	tuple->source_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	tuple->destination_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* explicit sizes: BPF_CORE_READ_INTO would copy sizeof(element) of these byte arrays */
	if (family == TLSSCOPE_AF_INET) {
		bpf_core_read(tuple->source_address, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(tuple->destination_address, 4, &sk->__sk_common.skc_daddr);
		return 0;
	}
	if (family == TLSSCOPE_AF_INET6) {
		bpf_core_read(tuple->source_address, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(tuple->destination_address, 16, &sk->__sk_common.skc_v6_daddr);
		return 0;
	}
	return -1;
}

/* Records fd of the current process as a TCP connection; returns 0 on success. */
static __always_inline int learn_conn(__u32 tgid, __s32 fd, __u32 role, struct tlsscope_conn *out)
{
	struct tlsscope_conn_key key = { .tgid = tgid, .fd = fd };
	struct tlsscope_conn conn = {};
	struct sock *sk = socket_of_fd(fd);

	if (tcp_tuple_of_sock(sk, &conn.tuple))
		return -1;
	conn.learned_ns = bpf_ktime_get_ns();
	conn.role = role;
	conn.socket = (__u64)sk;
	if (bpf_map_update_elem(&conns, &key, &conn, BPF_ANY))
		count(TLSSCOPE_CTR_CONN_INSERT_FAILED, 1);
	if (out)
		*out = conn;
	return 0;
}

/*
 * The connection of (tgid, fd): from the conns map while the fd still names the socket it was
 * learned from, else learned from the fd table now. An fd number closed without close()
 * (close_range, dup2 over it, an exit) and reused for another socket must never carry the old
 * socket's 4-tuple, so a map entry counts only when the fd table names the same struct sock.
 * Returns 0 and fills out when fd is a TCP socket of the process.
 */
static __always_inline int find_conn(__u32 tgid, __s32 fd, struct tlsscope_conn *out)
{
	struct tlsscope_conn_key key = { .tgid = tgid, .fd = fd };
	struct tlsscope_conn *known;

	if (fd < 0)
		return -1;
	known = bpf_map_lookup_elem(&conns, &key);
	if (known && known->socket == (__u64)socket_of_fd(fd)) {
		*out = *known;
		return 0;
	}
	if (known)
		count(TLSSCOPE_CTR_CONN_STALE, 1);
	if (learn_conn(tgid, fd, TLSSCOPE_ROLE_UNKNOWN, out)) {
		if (known)
			bpf_map_delete_elem(&conns, &key); /* the fd names no TCP socket any more */
		return -1;
	}
	if (!known)
		count(TLSSCOPE_CTR_CONN_FROM_FD_TABLE, 1);
	return 0;
}

#endif /* TLSSCOPE_CONN_H */
