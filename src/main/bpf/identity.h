/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Connection identity. An SSL object's address (a Go *tls.Conn's too) is reused for new
 * connections as soon as the old one is freed, and servers such as mariadbd serve every
 * connection from one process: a key (process, SSL address) does not name a connection. Each
 * (process, SSL address) gets a connection id that is never reused; it ends at SSL_free, and when
 * a call of the same address resolves to another socket (fd or 4-tuple), a new id begins. A call
 * whose socket was not resolved keeps the id it has: unknown is not different. Ending an id is
 * reported in a connection-closed record so user space can drop its state.
 */
#ifndef TLSSCOPE_IDENTITY_H
#define TLSSCOPE_IDENTITY_H

#include "maps.h"

/* What the kernel knows of the connection behind an SSL address now. */
struct ssl_conn {
	__u64 connection_id;
	__u64 calls;
	__s32 fd; /* -1 until a call resolved it */
	__u32 pad;
	struct tlsscope_tuple tuple;
	__u64 response_bytes; /* response-direction bytes since the last request-direction call */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ssl_key);
	__type(value, struct ssl_conn);
} ssl_conns SEC(".maps");

/*
 * Which direction of a connection id is the response (enum tlsscope_direction as seen by its
 * process: WRITE on a server, READ on a client), written by user space once it has recognised the
 * database protocol; the response budget applies only to ids found here. Deleted when the id ends.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u32);
} response_directions SEC(".maps");

/* The last connection id given out (slot 0); ids start at 1. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} connection_ids SEC(".maps");

static __always_inline void emit_connection_closed(__u32 tgid, const struct ssl_conn *ended)
{
	struct tlsscope_connection_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);

	if (!event) {
		count(TLSSCOPE_CTR_CONNECTION_EVENT_DROPS, 1);
		return;
	}
	event->type = TLSSCOPE_EVENT_CONNECTION_CLOSED;
	event->pid = tgid;
	event->connection_id = ended->connection_id;
	event->calls = ended->calls;
	bpf_ringbuf_submit(event, 0);
}

/* A connection id ended: its record for user space, and its response direction goes. */
static __always_inline void end_connection_id(__u32 tgid, const struct ssl_conn *ended)
{
	__u64 id = ended->connection_id;

	emit_connection_closed(tgid, ended);
	bpf_map_delete_elem(&response_directions, &id);
}

/* The SSL object is freed: its connection id ends. */
static __always_inline void connection_ended(const struct ssl_key *key)
{
	struct ssl_conn *known = bpf_map_lookup_elem(&ssl_conns, key);

	if (!known)
		return;
	end_connection_id(key->tgid, known);
	bpf_map_delete_elem(&ssl_conns, key);
}

static __always_inline bool same_tuple(const struct tlsscope_tuple *a, const struct tlsscope_tuple *b)
{
	const __u64 *left = (const __u64 *)a;
	const __u64 *right = (const __u64 *)b;

	/* 40 bytes, 8-byte aligned: five words */
	return left[0] == right[0] && left[1] == right[1] && left[2] == right[2] && left[3] == right[3] &&
	       left[4] == right[4];
}

/*
 * Sets the event's connection id and call number for a call on (tgid, ssl) that resolved to fd
 * (-1: unresolved) with conn's tuple. Returns the connection's state, or NULL when no id could be
 * kept (map full): the event then has id 0, which user space treats as identity unknown.
 */
static __always_inline struct ssl_conn *identify_connection(struct tlsscope_tls_data_event *event, __u32 tgid, __u64 ssl, __s32 fd,
					       const struct tlsscope_conn *conn)
{
	struct ssl_key key = { .tgid = tgid, .ssl = ssl };
	struct ssl_conn *known = bpf_map_lookup_elem(&ssl_conns, &key);
	struct ssl_conn fresh = { .fd = -1 };
	__u32 zero = 0;
	__u64 *last_id;

	if (known) {
		bool moved = fd >= 0 && known->fd >= 0 &&
			     (known->fd != fd || (conn->tuple.family && !same_tuple(&known->tuple, &conn->tuple)));

		if (!moved) {
			if (known->fd < 0 && fd >= 0) {
				known->fd = fd;
				known->tuple = conn->tuple;
			}
			event->connection_id = known->connection_id;
			event->call_sequence = __sync_fetch_and_add(&known->calls, 1) + 1;
			return known;
		}
		end_connection_id(tgid, known); /* the address now carries another connection */
	}
	last_id = bpf_map_lookup_elem(&connection_ids, &zero);
	if (!last_id)
		goto unknown;
	fresh.connection_id = __sync_fetch_and_add(last_id, 1) + 1;
	fresh.calls = 1;
	fresh.fd = fd;
	if (fd >= 0)
		fresh.tuple = conn->tuple;
	if (bpf_map_update_elem(&ssl_conns, &key, &fresh, BPF_ANY))
		goto unknown;
	count(TLSSCOPE_CTR_CONNECTIONS_OPENED, 1);
	event->connection_id = fresh.connection_id;
	event->call_sequence = 1;
	return bpf_map_lookup_elem(&ssl_conns, &key);
unknown:
	event->connection_id = 0;
	event->call_sequence = 0;
	return NULL;
}

#endif /* TLSSCOPE_IDENTITY_H */
