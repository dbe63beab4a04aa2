/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Maps shared by the programs of tlsscope.bpf.c, and the counter helper. */
#ifndef TLSSCOPE_MAPS_H
#define TLSSCOPE_MAPS_H

#include "tlsscope.h"

/* State saved at entry of an SSL call, read at its return. Kernel-internal. */
struct ssl_call {
	__u64 ssl;
	__u64 buffer;
	__u64 length_out; /* size_t* out-parameter of SSL_read_ex/SSL_write_ex; 0 for the plain forms */
	__u64 start_ns;
	__s32 nested_fd;  /* first fd of a read/write syscall made during the call; -1 none */
	__u32 function;   /* enum tlsscope_function */
};

/* Go call state, read at a RET of the same goroutine (Go moves goroutines between threads). */
struct go_call_key {
	__u32 tgid;
	__u32 pad;
	__u64 goroutine; /* the g pointer, in R14 under Go's register ABI */
};

struct go_call {
	__u64 conn;   /* *tls.Conn */
	__u64 buffer; /* b's data pointer */
	__u64 start_ns;
	__u32 function;  /* enum tlsscope_function */
	__s32 nested_fd; /* first fd read or written by the calling thread during the call; -1 none */
	__u32 entry_tid; /* the thread the call entered on: only its syscalls may name the fd */
	/*
	 * The fd the Go conn named at the entry, -1 none, and its connection then: another goroutine
	 * may close the connection before this call returns (an HTTP reader seeing "Connection:
	 * close"), and at the return the conn's fd is -1 and the fd number names no socket.
	 */
	__s32 entry_fd;
	struct tlsscope_conn entry_conn;
};

/* Key of the SSL* -> fd cache. */
struct ssl_key {
	__u32 tgid;
	__u32 pad;
	__u64 ssl;
};

/*
 * Go Read/Write entry state by (tgid, goroutine). LRU, like every per-call entry map: a thread or
 * goroutine that dies inside a call never reaches its return, and its entry must not stay forever.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct go_call_key);
	__type(value, struct go_call);
} go_calls SEC(".maps");

/* The Go call a thread entered last, so its read/write syscalls can name the call's socket. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct go_call_key);
} go_thread_calls SEC(".maps");

/*
 * Per thread: whether it is inside an SSL or Go TLS call now. Task-local storage, not a hash: the
 * raw syscall tracepoints run for every read and write on the host, and for a thread that never
 * made a TLS call this is one pointer lookup that finds nothing, instead of two hash lookups.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} in_tls_call SEC(".maps");

static __always_inline void mark_tls_call(bool inside)
{
	__u32 *flag = bpf_task_storage_get(&in_tls_call, bpf_get_current_task_btf(), 0,
					   inside ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);

	if (flag)
		*flag = inside;
}

static __always_inline bool in_tls_call_now(void)
{
	__u32 *flag = bpf_task_storage_get(&in_tls_call, bpf_get_current_task_btf(), 0, 0);

	return flag && *flag;
}

/* Go struct offsets per library id (the attach cookie), written by user space at attach time. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct tlsscope_go_layout);
} go_layouts SEC(".maps");

/* Size can be changed by user space before load (ring buffer bytes, a power of two). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} events SEC(".maps");

/* OpenSSL entry state, keyed by pid_tgid (a thread is inside at most one SSL call); LRU as go_calls. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct ssl_call);
} ssl_calls SEC(".maps");

/*
 * TCP sockets by (tgid, fd): filled by connect/accept tracepoints, by fd-table lookups and by user
 * space seeding from /proc. LRU because processes exit without close(): stale entries age out,
 * while lookups keep live connections recent.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct tlsscope_conn_key);
	__type(value, struct tlsscope_conn);
} conns SEC(".maps");

/* connect() in flight: pid_tgid -> fd, so the exit tracepoint knows the fd; LRU as go_calls. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __s32);
} connect_fds SEC(".maps");

/* The fd an SSL* resolved to last time: the fallback when a call does no syscall (buffered). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ssl_key);
	__type(value, __s32);
} ssl_fds SEC(".maps");

/* Every known OpenSSL struct layout, by index; written by user space once, before any attach. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TLSSCOPE_MAX_LAYOUTS);
	__type(key, __u32);
	__type(value, struct tlsscope_layout);
} layout_table SEC(".maps");

/* Detected (hint) or forced layout per library id (the attach cookie), written by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct tlsscope_layout_choice);
} library_layouts SEC(".maps");

/* fds handed to SSL_set_fd/SSL_set_rfd/SSL_set_wfd per (tgid, SSL*); forgotten at SSL_free. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ssl_key);
	__type(value, struct tlsscope_set_fds);
} ssl_set_fds SEC(".maps");

/* Per-CPU count of fds each layout table slot resolved. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TLSSCOPE_MAX_LAYOUTS);
	__type(key, __u32);
	__type(value, __u64);
} layout_counters SEC(".maps");

/* One record's worth of scratch per CPU: the verifier-friendly way to emit variable-size data. */
struct chunk_scratch {
	__u8 bytes[sizeof(struct tlsscope_tls_data_event) + TLSSCOPE_CHUNK_DATA_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct chunk_scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TLSSCOPE_CTR_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Per-library call outcomes, slot = library id % TLSSCOPE_LIBRARY_SLOTS (see tlsscope.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TLSSCOPE_LIBRARY_SLOTS);
	__type(key, __u32);
	__type(value, struct tlsscope_library_calls);
} library_calls SEC(".maps");

/* What became of a call whose return was seen with its entry state; kernel-internal. */
enum call_outcome {
	CALL_SEEN,
	CALL_CAPTURED,
	CALL_DROPPED,
	CALL_READ_FAILED,
	CALL_FAILED,
};

static __always_inline void count_library_call(__u32 library_id, enum call_outcome outcome)
{
	__u32 slot = library_id % TLSSCOPE_LIBRARY_SLOTS;
	struct tlsscope_library_calls *calls = bpf_map_lookup_elem(&library_calls, &slot);

	if (!calls)
		return;
	/* per-CPU slot: no other writer */
	switch (outcome) {
	case CALL_SEEN:
		calls->seen++;
		break;
	case CALL_CAPTURED:
		calls->captured++;
		break;
	case CALL_DROPPED:
		calls->dropped++;
		break;
	case CALL_READ_FAILED:
		calls->read_failed++;
		break;
	default:
		calls->failed++;
		break;
	}
}

static __always_inline void count_in(void *map, __u32 key, __u64 amount)
{
	__u64 *value = bpf_map_lookup_elem(map, &key);

	if (value)
		*value += amount; /* per-CPU slot: no other writer */
}

static __always_inline void count(enum tlsscope_counter counter, __u64 amount)
{
	count_in(&counters, counter, amount);
}

#endif /* TLSSCOPE_MAPS_H */
