// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tlsscope kernel side: OpenSSL SSL_read/SSL_write(_ex) uprobes that capture plaintext at return,
 * Go crypto/tls (*Conn).Read/Write uprobes at entry and at every RET,
 * raw syscall tracepoints that find the socket behind each call, and exec/exit tracepoints that drive
 * library discovery in user space. Records go to one ring buffer; losses go to counters.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "tlsscope.h"
#include "maps.h"
#include "conn.h"
#include "identity.h"
#include "syscalls.h"
#include "scope.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define EINPROGRESS 115

/* Set by user space before load; see struct tlsscope_config. */
const volatile struct tlsscope_config tlsscope_config = {
	.self_tgid = 0,
	.max_bytes_per_call = 256 * 1024,
	.layout_count = 0,
	.response_budget = 0,
	.response_tail = 512,
};

static __always_inline bool is_self(__u64 pid_tgid)
{
	return (__u32)(pid_tgid >> 32) == tlsscope_config.self_tgid;
}

/* A TLS call of a process outside the scope: left at once, counted (by policy, not a loss). */
static __always_inline bool skipped_by_scope(__u64 pid_tgid)
{
	if (process_in_scope(pid_tgid >> 32))
		return false;
	count(TLSSCOPE_CTR_SCOPE_SKIPPED_CALLS, 1);
	return true;
}

/* ---- SSL call entry: save the arguments, read nothing yet ---- */

static __always_inline int enter_ssl_call(__u64 ssl, __u64 buffer, __u64 length_out, __u32 function)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ssl_call call = {};

	if (is_self(pid_tgid) || skipped_by_scope(pid_tgid))
		return 0;
	call.ssl = ssl;
	call.buffer = buffer;
	call.length_out = length_out;
	call.start_ns = bpf_ktime_get_ns();
	call.nested_fd = -1;
	call.function = function;
	if (bpf_map_update_elem(&ssl_calls, &pid_tgid, &call, BPF_ANY))
		count(TLSSCOPE_CTR_ENTRY_MAP_FULL, 1);
	mark_tls_call(true);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(ssl_write_entry, void *ssl, const void *buffer, int length)
{
	return enter_ssl_call((__u64)ssl, (__u64)buffer, 0, TLSSCOPE_FUNCTION_SSL_WRITE);
}

SEC("uprobe")
int BPF_KPROBE(ssl_read_entry, void *ssl, void *buffer, int length)
{
	return enter_ssl_call((__u64)ssl, (__u64)buffer, 0, TLSSCOPE_FUNCTION_SSL_READ);
}

SEC("uprobe")
int BPF_KPROBE(ssl_write_ex_entry, void *ssl, const void *buffer, size_t length, size_t *written)
{
	return enter_ssl_call((__u64)ssl, (__u64)buffer, (__u64)written, TLSSCOPE_FUNCTION_SSL_WRITE_EX);
}

SEC("uprobe")
int BPF_KPROBE(ssl_read_ex_entry, void *ssl, void *buffer, size_t length, size_t *read_bytes)
{
	return enter_ssl_call((__u64)ssl, (__u64)buffer, (__u64)read_bytes, TLSSCOPE_FUNCTION_SSL_READ_EX);
}

/* ---- SSL_set_fd family and SSL_free: the fds a process names explicitly ---- */

static __always_inline int remember_set_fd(__u64 ssl, __s32 fd, bool for_read, bool for_write)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ssl_key key = { .tgid = pid_tgid >> 32, .ssl = ssl };
	struct tlsscope_set_fds fds = { .read_fd = -1, .write_fd = -1 };
	struct tlsscope_set_fds *known;

	/* not a data call: an out-of-scope one is left without counting */
	if (is_self(pid_tgid) || !process_in_scope(pid_tgid >> 32))
		return 0;
	known = bpf_map_lookup_elem(&ssl_set_fds, &key);
	if (known)
		fds = *known;
	if (for_read)
		fds.read_fd = fd;
	if (for_write)
		fds.write_fd = fd;
	bpf_map_update_elem(&ssl_set_fds, &key, &fds, BPF_ANY);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(ssl_set_fd_entry, void *ssl, int fd)
{
	return remember_set_fd((__u64)ssl, fd, true, true);
}

SEC("uprobe")
int BPF_KPROBE(ssl_set_rfd_entry, void *ssl, int fd)
{
	return remember_set_fd((__u64)ssl, fd, true, false);
}

SEC("uprobe")
int BPF_KPROBE(ssl_set_wfd_entry, void *ssl, int fd)
{
	return remember_set_fd((__u64)ssl, fd, false, true);
}

/* A freed SSL*'s address is soon reused by a new SSL object: its fds must not be inherited. */
SEC("uprobe")
int BPF_KPROBE(ssl_free_entry, void *ssl)
{
	struct ssl_key key = { .tgid = bpf_get_current_pid_tgid() >> 32, .ssl = (__u64)ssl };

	/* an out-of-scope process never got state for its SSL objects (one that left the scope ages out) */
	if (!process_in_scope(key.tgid))
		return 0;
	bpf_map_delete_elem(&ssl_fds, &key);
	bpf_map_delete_elem(&ssl_set_fds, &key);
	connection_ended(&key);
	return 0;
}

/* ---- fd resolution at return ---- */

/* SSL->rbio->num with one layout of the table; -1 when the slot is empty or memory unreadable. */
static __always_inline __s32 fd_with_layout(__u32 index, __u64 ssl)
{
	struct tlsscope_layout *layout = bpf_map_lookup_elem(&layout_table, &index);
	__u64 bio = 0;
	__s32 fd = -1;

	if (!layout || layout->ssl_rbio_offset < 0 || layout->bio_num_offset < 0)
		return -1;
	if (bpf_probe_read_user(&bio, sizeof(bio), (void *)(ssl + layout->ssl_rbio_offset)) || !bio)
		return -1;
	if (bpf_probe_read_user(&fd, sizeof(fd), (void *)(bio + layout->bio_num_offset)))
		return -1;
	return fd;
}

struct layout_scan {
	__u64 ssl;
	__u32 tgid;
	__s32 skip;   /* the library's own layout, tried already */
	__s32 fd;     /* result, -1 while none */
	__u32 layout; /* table index that gave fd */
	struct tlsscope_conn conn;
};

static long try_layout(__u32 index, void *context)
{
	struct layout_scan *scan = context;
	__s32 fd;

	if (index >= tlsscope_config.layout_count)
		return 1;
	if ((__s32)index == scan->skip)
		return 0;
	fd = fd_with_layout(index, scan->ssl);
	if (fd < 0 || find_conn(scan->tgid, fd, &scan->conn))
		return 0;
	scan->fd = fd;
	scan->layout = index;
	return 1;
}

/*
 * The fd the struct layouts give: the library's detected layout first, then (unless the layout is
 * forced) every other known layout; the first fd that is a TCP socket of the process wins.
 */
static __always_inline __s32 fd_from_layouts(__u32 tgid, __u32 library_id, __u64 ssl, __u8 *layout,
					     struct tlsscope_conn *conn)
{
	struct tlsscope_layout_choice *choice = bpf_map_lookup_elem(&library_layouts, &library_id);
	struct layout_scan scan = { .ssl = ssl, .tgid = tgid, .skip = -1, .fd = -1 };
	__s32 fd;

	if (choice && choice->layout >= 0) {
		scan.skip = choice->layout;
		fd = fd_with_layout(choice->layout, ssl);
		if (fd >= 0 && !find_conn(tgid, fd, conn)) {
			*layout = choice->layout;
			return fd;
		}
		count(TLSSCOPE_CTR_LAYOUT_REJECTED, 1);
		if (choice->flags & TLSSCOPE_LAYOUT_FORCED)
			return -1;
	}
	bpf_loop(TLSSCOPE_MAX_LAYOUTS, try_layout, &scan, 0);
	if (scan.fd >= 0) {
		*conn = scan.conn;
		*layout = scan.layout;
	}
	return scan.fd;
}

/* The fd the process handed to SSL_set_fd (or _rfd/_wfd for this direction); -1 if none. */
static __always_inline __s32 fd_from_set_fd(const struct ssl_key *key, __u8 direction)
{
	struct tlsscope_set_fds *fds = bpf_map_lookup_elem(&ssl_set_fds, key);

	if (!fds)
		return -1;
	return direction == TLSSCOPE_DIRECTION_READ ? fds->read_fd : fds->write_fd;
}

/*
 * Finds the socket of a call: the layouts, then the nested syscall, then SSL_set_fd, then the fd
 * this SSL* resolved to before; each candidate must be a TCP socket of the process. When the
 * layout and the nested syscall name different sockets, the socket the call really did I/O on
 * wins and the disagreement is counted. Fills fd, layout and conn; returns the method.
 */
static __always_inline __u8 resolve_fd(__u32 tgid, __u32 library_id, __u8 direction,
				       const struct ssl_call *call, __s32 *fd, __u8 *layout,
				       struct tlsscope_conn *conn)
{
	struct ssl_key cache_key = { .tgid = tgid, .ssl = call->ssl };
	__s32 nested = call->nested_fd;
	__s32 candidate;
	__s32 *cached;
	__u8 method = TLSSCOPE_FD_NONE;

	*layout = TLSSCOPE_LAYOUT_NONE;
	candidate = fd_from_layouts(tgid, library_id, call->ssl, layout, conn);
	if (candidate >= 0) {
		method = TLSSCOPE_FD_LAYOUT;
		if (nested >= 0 && nested != candidate && !find_conn(tgid, nested, conn)) {
			count(TLSSCOPE_CTR_FD_MISMATCH, 1);
			candidate = nested;
			method = TLSSCOPE_FD_NESTED_SYSCALL;
			*layout = TLSSCOPE_LAYOUT_NONE;
		}
	} else if (nested >= 0 && !find_conn(tgid, nested, conn)) {
		candidate = nested;
		method = TLSSCOPE_FD_NESTED_SYSCALL;
	} else {
		candidate = fd_from_set_fd(&cache_key, direction);
		if (candidate >= 0 && !find_conn(tgid, candidate, conn)) {
			method = TLSSCOPE_FD_SET_FD;
		} else {
			cached = bpf_map_lookup_elem(&ssl_fds, &cache_key);
			candidate = cached ? *cached : -1;
			if (candidate >= 0 && !find_conn(tgid, candidate, conn))
				method = TLSSCOPE_FD_CACHED;
		}
	}
	switch (method) {
	case TLSSCOPE_FD_NONE:
		*fd = -1;
		count(TLSSCOPE_CTR_FD_UNRESOLVED, 1);
		return method;
	case TLSSCOPE_FD_LAYOUT:
		count(TLSSCOPE_CTR_FD_LAYOUT, 1);
		count_in(&layout_counters, *layout, 1);
		break;
	case TLSSCOPE_FD_NESTED_SYSCALL:
		count(TLSSCOPE_CTR_FD_NESTED_SYSCALL, 1);
		break;
	case TLSSCOPE_FD_SET_FD:
		count(TLSSCOPE_CTR_FD_SET_FD, 1);
		break;
	default:
		count(TLSSCOPE_CTR_FD_CACHED, 1);
		break;
	}
	*fd = candidate;
	if (method != TLSSCOPE_FD_CACHED)
		bpf_map_update_elem(&ssl_fds, &cache_key, &candidate, BPF_ANY);
	return method;
}

/* ---- emission: one ring-buffer record per chunk of at most TLSSCOPE_CHUNK_DATA_MAX bytes ---- */

/*
 * Where kernels have it (6.16+), the return probes run as sleepable programs and copy user memory
 * with bpf_copy_from_user_dynptr, which takes the page fault that bpf_probe_read_user refuses (a
 * page not resident: swapped out, or not yet faulted into this process). User space loads one of
 * the two families of return programs, the copying ones when the kernel verifies them.
 */
extern int bpf_copy_from_user_dynptr(const struct bpf_dynptr *record, __u32 offset, __u32 size,
				     const void *unsafe_ptr__ign) __ksym __weak;

struct chunk_loop {
	__u64 buffer;
	__u32 captured;   /* head bytes to emit from the call's start: min(call_bytes, cap, budget room) */
	__u8 tail_follows; /* a tail record comes after the head: no head record is the last */
	__u8 dropped;     /* a record was lost: ring buffer full */
	__u8 read_failed; /* a chunk's user memory could not be read */
};

/*
 * The copying programs' loop and record header, one per thread in task storage, not in the per-CPU
 * scratch: a program that sleeps in a page fault lets other programs run on its CPU, and they would
 * overwrite a shared header in the meantime. (Not on the stack either: the header would not fit
 * beside the return path's locals in the 512 bytes the verifier allows.)
 */
struct copy_loop {
	struct chunk_loop loop;
	struct tlsscope_tls_data_event header;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct copy_loop);
} copy_loops SEC(".maps");

/* The current thread's copy loop; created on its first copied call, freed by the kernel when the thread exits. */
static __always_inline struct copy_loop *thread_copy_loop(__u64 flags)
{
	return bpf_task_storage_get(&copy_loops, bpf_get_current_task_btf(), 0, flags);
}

/* length is in [1, CHUNK_DATA_MAX]: this identity makes that bound visible to the verifier in the
 * very register passed to the helpers (a compare is often done on a copy by clang). */
static __always_inline __u64 bounded_length(__u32 length)
{
	return (((__u64)length - 1) & (TLSSCOPE_CHUNK_DATA_MAX - 1)) + 1;
}

static __always_inline __u64 wakeup_flag(void)
{
	/* a quarter of a small ring: a ring of 256 KiB or less would otherwise never wake the reader */
	__u64 wake_at = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 4;

	if (wake_at > TLSSCOPE_WAKEUP_BYTES)
		wake_at = TLSSCOPE_WAKEUP_BYTES;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_at ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_drop(struct chunk_loop *loop, __u32 length)
{
	count(TLSSCOPE_CTR_RINGBUF_DROPS, 1);
	count(TLSSCOPE_CTR_RINGBUF_DROPPED_BYTES, length);
	loop->dropped = 1;
}

static __always_inline void count_read_failed(struct chunk_loop *loop)
{
	count(TLSSCOPE_CTR_USER_READ_FAILED, 1);
	loop->read_failed = 1;
}

/* Emits the scratch record with length (1..CHUNK_DATA_MAX) bytes read from the call's buffer at offset. */
static __always_inline void emit_record(struct chunk_loop *loop, struct tlsscope_tls_data_event *event, __u32 offset,
					__u32 length)
{
	__u64 bounded = bounded_length(length);

	event->chunk_len = length;
	if (bpf_probe_read_user(event->data, bounded, (void *)(loop->buffer + offset))) {
		count_read_failed(loop);
		return;
	}
	if (bpf_ringbuf_output(&events, event, sizeof(*event) + bounded, wakeup_flag()))
		count_drop(loop, length);
}

/* The same from a sleepable program: the record reserved in the ring, the bytes copied into it. */
static __always_inline void emit_record_copied(struct copy_loop *copy, __u32 offset, __u32 length)
{
	struct bpf_dynptr record;
	__u64 bounded = bounded_length(length);

	copy->header.chunk_len = length;
	if (bpf_ringbuf_reserve_dynptr(&events, sizeof(copy->header) + bounded, 0, &record)) {
		bpf_ringbuf_discard_dynptr(&record, 0);
		count_drop(&copy->loop, length);
		return;
	}
	if (bpf_dynptr_write(&record, 0, &copy->header, sizeof(copy->header), 0) ||
	    bpf_copy_from_user_dynptr(&record, sizeof(copy->header), bounded, (void *)(copy->loop.buffer + offset))) {
		bpf_ringbuf_discard_dynptr(&record, 0);
		count_read_failed(&copy->loop);
		return;
	}
	bpf_ringbuf_submit_dynptr(&record, wakeup_flag());
}

/* Head chunk index: its length, and the record's flags; 0 when the head has no such chunk. */
static __always_inline __u32 head_chunk(struct chunk_loop *loop, struct tlsscope_tls_data_event *event, __u32 index)
{
	__u32 offset = index * TLSSCOPE_CHUNK_DATA_MAX;
	__u32 length;

	if (offset >= loop->captured)
		return 0;
	length = loop->captured - offset;
	if (length > TLSSCOPE_CHUNK_DATA_MAX)
		length = TLSSCOPE_CHUNK_DATA_MAX;
	else if (!loop->tail_follows)
		event->flags |= TLSSCOPE_FLAG_LAST_CHUNK;
	event->chunk_sequence = index;
	return length;
}

static long emit_chunk(__u32 index, void *context)
{
	struct chunk_loop *loop = context;
	__u32 zero = 0;
	struct tlsscope_tls_data_event *event = bpf_map_lookup_elem(&scratch, &zero);
	__u32 length;

	if (!event)
		return 1;
	length = head_chunk(loop, event, index);
	if (!length)
		return 1;
	emit_record(loop, event, index * TLSSCOPE_CHUNK_DATA_MAX, length);
	return 0;
}

static long emit_chunk_copied(__u32 index, void *context)
{
	struct copy_loop *copy = thread_copy_loop(0);
	__u32 length;

	if (!copy)
		return 1;
	length = head_chunk(&copy->loop, &copy->header, index);
	if (!length)
		return 1;
	emit_record_copied(copy, index * TLSSCOPE_CHUNK_DATA_MAX, length);
	return 0;
}

/* The call's last tail bytes (1..CHUNK_DATA_MAX), after head records 0..index-1. */
static __always_inline void emit_tail(struct chunk_loop *loop, struct tlsscope_tls_data_event *event, bool copied,
				      __u32 index, __u32 call_bytes, __u32 tail)
{
	event->flags |= TLSSCOPE_FLAG_TAIL | TLSSCOPE_FLAG_LAST_CHUNK;
	event->chunk_sequence = index;
	if (copied)
		emit_record_copied(container_of(loop, struct copy_loop, loop), call_bytes - tail, tail);
	else
		emit_record(loop, event, call_bytes - tail, tail);
}

/*
 * What to capture of a call of bytes: head bytes from its start, then tail bytes from its end.
 * Requests, and calls of connections whose response direction user space has not set, get the
 * per-call cap. A response call beyond the budget of its exchange keeps what is left of the budget
 * as its head and its last response_tail bytes, where the protocols put a response's outcome
 * (PostgreSQL CommandComplete and ReadyForQuery, the MySQL EOF/OK packet). A request-direction
 * call begins a new exchange.
 */
static __always_inline void plan_capture(__u8 direction, struct ssl_conn *state, __u32 bytes, __u32 *head, __u32 *tail)
{
	__u32 cap = tlsscope_config.max_bytes_per_call;
	__u32 budget = tlsscope_config.response_budget;
	__u32 *response;
	__u64 id, used;
	__u32 room, last;

	*head = bytes > cap ? cap : bytes;
	*tail = 0;
	if (!budget || !state)
		return;
	id = state->connection_id;
	response = bpf_map_lookup_elem(&response_directions, &id);
	if (!response)
		return;
	if (*response != direction) {
		state->response_bytes = 0;
		return;
	}
	used = state->response_bytes;
	state->response_bytes = used + bytes;
	if (used + bytes <= budget)
		return;
	room = used >= budget ? 0 : budget - (__u32)used;
	if (room < *head)
		*head = room;
	last = tlsscope_config.response_tail;
	if (last > TLSSCOPE_CHUNK_DATA_MAX)
		last = TLSSCOPE_CHUNK_DATA_MAX;
	*tail = bytes - *head < last ? bytes - *head : last;
}

/* SSL_read/SSL_write return the byte count, <= 0 on failure. */
static __always_inline __u64 plain_result(struct pt_regs *ctx)
{
	int result = (int)PT_REGS_RC(ctx);

	return result > 0 ? (__u64)result : 0;
}

/* The _ex forms return 1 on success and store the byte count through their size_t* argument. */
static __always_inline __u64 ex_result(struct pt_regs *ctx, const struct ssl_call *call, bool copied)
{
	__u64 bytes = 0;
	long failed;

	if ((int)PT_REGS_RC(ctx) != 1 || !call->length_out)
		return 0;
	if (copied)
		failed = bpf_copy_from_user(&bytes, sizeof(bytes), (void *)call->length_out);
	else
		failed = bpf_probe_read_user(&bytes, sizeof(bytes), (void *)call->length_out);
	return failed ? 0 : bytes;
}

/*
 * Fills what every record of a call shares (the caller has set fd, fd_method, layout, ssl,
 * call_start_ns, library_id, direction and function) and emits the call's bytes in chunks as
 * plan_capture says; what is not captured is counted, as truncated (beyond the per-call cap) or
 * as budgeted (response bytes skipped by policy). The call's outcome counts for its library.
 */
static __always_inline void emit_call(struct chunk_loop *loop, struct tlsscope_tls_data_event *event, bool copied,
				      const struct tlsscope_conn *conn, struct ssl_conn *state, __u64 buffer, __u64 bytes)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 chunks, head, tail;

	event->type = TLSSCOPE_EVENT_TLS_DATA;
	event->pid = pid_tgid >> 32;
	event->tid = (__u32)pid_tgid;
	event->timestamp_ns = bpf_ktime_get_ns();
	event->cgroup_id = bpf_get_current_cgroup_id();
	event->call_bytes = bytes;
	event->flags = 0;
	event->pad[0] = event->pad[1] = event->pad[2] = 0;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	event->tuple = conn->tuple;
	if (event->fd_method != TLSSCOPE_FD_NONE && conn->tuple.family)
		event->flags |= TLSSCOPE_FLAG_TUPLE_VALID;
	else if (event->fd_method != TLSSCOPE_FD_NONE)
		count(TLSSCOPE_CTR_TUPLE_MISSING, 1);

	plan_capture(event->direction, state, bytes, &head, &tail);
	loop->buffer = buffer;
	loop->captured = head;
	loop->tail_follows = tail > 0;
	loop->dropped = 0;
	loop->read_failed = 0;
	if (tail) {
		count(TLSSCOPE_CTR_BUDGETED_CALLS, 1);
		count(TLSSCOPE_CTR_BUDGETED_BYTES, bytes - head - tail);
	} else if (bytes > head) {
		event->flags |= TLSSCOPE_FLAG_TRUNCATED;
		count(TLSSCOPE_CTR_TRUNCATED_CALLS, 1);
		count(TLSSCOPE_CTR_TRUNCATED_BYTES, bytes - head);
	}
	chunks = (head + TLSSCOPE_CHUNK_DATA_MAX - 1) / TLSSCOPE_CHUNK_DATA_MAX;
	if (chunks > TLSSCOPE_MAX_CHUNKS_PER_CALL)
		chunks = TLSSCOPE_MAX_CHUNKS_PER_CALL;
	if (copied)
		bpf_loop(chunks, emit_chunk_copied, NULL, 0); /* the callback finds the thread's copy loop itself */
	else
		bpf_loop(chunks, emit_chunk, loop, 0);
	if (tail)
		emit_tail(loop, event, copied, chunks, bytes, tail);
	count(TLSSCOPE_CTR_CALLS_CAPTURED, 1);
	count_library_call(event->library_id, loop->dropped ? CALL_DROPPED : loop->read_failed ? CALL_READ_FAILED : CALL_CAPTURED);
}

/*
 * Where a call's record header and loop state are kept: the per-CPU scratch (with room for the data
 * after the header) and the stack, or for the copying programs the thread's copy loop. A NULL
 * header: no room (the per-CPU slot cannot be missing; a thread's storage can fail to allocate).
 */
static __always_inline struct tlsscope_tls_data_event *record_header(bool copied, struct chunk_loop *stack_loop,
								       struct chunk_loop **loop)
{
	struct copy_loop *copy;
	__u32 zero = 0;

	if (!copied) {
		*loop = stack_loop;
		return bpf_map_lookup_elem(&scratch, &zero);
	}
	copy = thread_copy_loop(BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!copy)
		return NULL;
	__builtin_memset(&copy->header, 0, sizeof(copy->header));
	*loop = &copy->loop;
	return &copy->header;
}

/*
 * Common return path. The byte count the call really moved is the return value for SSL_read and
 * SSL_write (<= 0: failed); the _ex forms return 1 and store it through their size_t* argument.
 */
static __always_inline int exit_ssl_call(struct pt_regs *ctx, __u8 direction, bool ex_form, bool copied)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 library_id = (__u32)bpf_get_attach_cookie(ctx);
	struct ssl_call *call = bpf_map_lookup_elem(&ssl_calls, &pid_tgid);
	struct tlsscope_tls_data_event *event;
	struct tlsscope_conn conn = {};
	struct chunk_loop stack_loop, *loop;
	struct ssl_conn *state;
	__u64 bytes;
	__s32 fd;
	__u8 layout;

	if (!call) {
		/* a call the scope left at its entry has no entry state by design */
		if (!is_self(pid_tgid) && process_in_scope(pid_tgid >> 32))
			count(TLSSCOPE_CTR_RETURN_WITHOUT_ENTRY, 1);
		return 0;
	}
	count_library_call(library_id, CALL_SEEN);
	bytes = ex_form ? ex_result(ctx, call, copied) : plain_result(ctx);
	if (bytes == 0 || bytes > 0x7fffffff) {
		count(TLSSCOPE_CTR_CALLS_FAILED, 1);
		count_library_call(library_id, CALL_FAILED);
		goto done;
	}
	event = record_header(copied, &stack_loop, &loop);
	if (!event) {
		count(TLSSCOPE_CTR_RECORD_STATE_FAILED, 1);
		count_library_call(library_id, CALL_DROPPED);
		goto done;
	}
	event->fd_method = resolve_fd(pid_tgid >> 32, library_id, direction, call, &fd, &layout, &conn);
	event->fd = fd;
	event->layout = layout;
	event->call_start_ns = call->start_ns;
	event->ssl = call->ssl;
	event->library_id = library_id;
	event->direction = direction;
	event->function = call->function;
	state = identify_connection(event, pid_tgid >> 32, call->ssl, fd, &conn);
	emit_call(loop, event, copied, &conn, state, call->buffer, bytes);
done:
	bpf_map_delete_elem(&ssl_calls, &pid_tgid);
	mark_tls_call(false);
	return 0;
}

/* Each return program in two forms: reading user memory as it is, or (suffix _copy) sleepable and copying it. */
#define SSL_RETURN_PROGRAMS(name, direction, ex_form)                         \
	SEC("uretprobe")                                                      \
	int BPF_KRETPROBE(name)                                               \
	{                                                                     \
		return exit_ssl_call(ctx, direction, ex_form, false);         \
	}                                                                     \
	SEC("uretprobe.s")                                                    \
	int BPF_KRETPROBE(name##_copy)                                        \
	{                                                                     \
		return exit_ssl_call(ctx, direction, ex_form, true);          \
	}

SSL_RETURN_PROGRAMS(ssl_write_return, TLSSCOPE_DIRECTION_WRITE, false)
SSL_RETURN_PROGRAMS(ssl_read_return, TLSSCOPE_DIRECTION_READ, false)
SSL_RETURN_PROGRAMS(ssl_write_ex_return, TLSSCOPE_DIRECTION_WRITE, true)
SSL_RETURN_PROGRAMS(ssl_read_ex_return, TLSSCOPE_DIRECTION_READ, true)

/*
 * ---- Go crypto/tls: entry and every RET of (*Conn).Read and Write ----
 * Register ABI (Go 1.17+): receiver in RAX, b's data pointer in RBX; results n in RAX, the error
 * interface in RBX/RCX; the goroutine (g) in R14.
 * Stack ABI (before 1.17): at entry and at RET, SP+8 holds the receiver, SP+16 b's data pointer,
 * SP+40 n and SP+48 the error's type word; g is at FS-8 (the thread's TLS slot).
 */
#define GO_STACK_RECEIVER 8
#define GO_STACK_BUFFER 16
#define GO_STACK_RESULT_N 40
#define GO_STACK_RESULT_ERR 48
#define GO_TLS_G_FROM_FS 8

static __always_inline __u64 stack_word(struct pt_regs *ctx, __u64 offset)
{
	__u64 word = 0;

	bpf_probe_read_user(&word, sizeof(word), (void *)(ctx->sp + offset));
	return word;
}

/* The running goroutine under the stack ABI: the g pointer in the thread's TLS, at FS-8. */
static __always_inline __u64 stack_abi_goroutine(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 fsbase = BPF_CORE_READ(task, thread.fsbase);
	__u64 g = 0;

	bpf_probe_read_user(&g, sizeof(g), (void *)(fsbase - GO_TLS_G_FROM_FS));
	return g;
}

/* c.conn (net.Conn data word) -> *net.TCPConn -> fd *netFD -> pfd.Sysfd, with the build's offsets. */
static __always_inline __s32 go_conn_fd(__u32 library_id, __u64 conn)
{
	struct tlsscope_go_layout *layout = bpf_map_lookup_elem(&go_layouts, &library_id);
	__u64 tcp_conn = 0;
	__u64 net_fd = 0;
	__s64 sysfd = -1;

	if (!layout)
		return -1;
	if (bpf_probe_read_user(&tcp_conn, sizeof(tcp_conn), (void *)(conn + layout->conn_data_offset)) || !tcp_conn)
		return -1;
	if (bpf_probe_read_user(&net_fd, sizeof(net_fd), (void *)(tcp_conn + layout->tcpconn_fd_offset)) || !net_fd)
		return -1;
	if (bpf_probe_read_user(&sysfd, sizeof(sysfd), (void *)(net_fd + layout->netfd_sysfd_offset)))
		return -1;
	return sysfd >= 0 && sysfd < 0x7fffffff ? (__s32)sysfd : -1;
}

static __always_inline int enter_go_call(struct pt_regs *ctx, __u64 goroutine, __u64 conn, __u64 buffer,
					 __u32 function)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 library_id = (__u32)bpf_get_attach_cookie(ctx);
	struct go_call_key key = { .tgid = pid_tgid >> 32, .goroutine = goroutine };
	struct go_call *stored;
	struct go_call call = {};

	if (is_self(pid_tgid) || skipped_by_scope(pid_tgid))
		return 0;
	call.conn = conn;
	call.buffer = buffer;
	call.start_ns = bpf_ktime_get_ns();
	call.function = function;
	call.nested_fd = -1;
	call.entry_tid = (__u32)pid_tgid;
	call.entry_fd = -1;
	/* a stack-growth restart re-enters at the entry: the same key is overwritten, not leaked */
	if (bpf_map_update_elem(&go_calls, &key, &call, BPF_ANY))
		count(TLSSCOPE_CTR_GO_ENTRY_MAP_FULL, 1);
	stored = bpf_map_lookup_elem(&go_calls, &key);
	if (stored) {
		__s32 fd = go_conn_fd(library_id, conn);

		if (fd >= 0 && !find_conn(key.tgid, fd, &stored->entry_conn))
			stored->entry_fd = fd;
	}
	bpf_map_update_elem(&go_thread_calls, &pid_tgid, &key, BPF_ANY);
	mark_tls_call(true);
	return 0;
}

SEC("uprobe")
int go_tls_write_entry(struct pt_regs *ctx)
{
	return enter_go_call(ctx, ctx->r14, ctx->ax, ctx->bx, TLSSCOPE_FUNCTION_GO_WRITE);
}

SEC("uprobe")
int go_tls_read_entry(struct pt_regs *ctx)
{
	return enter_go_call(ctx, ctx->r14, ctx->ax, ctx->bx, TLSSCOPE_FUNCTION_GO_READ);
}

SEC("uprobe")
int go_tls_write_entry_stack(struct pt_regs *ctx)
{
	return enter_go_call(ctx, stack_abi_goroutine(), stack_word(ctx, GO_STACK_RECEIVER), stack_word(ctx, GO_STACK_BUFFER),
			     TLSSCOPE_FUNCTION_GO_WRITE);
}

SEC("uprobe")
int go_tls_read_entry_stack(struct pt_regs *ctx)
{
	return enter_go_call(ctx, stack_abi_goroutine(), stack_word(ctx, GO_STACK_RECEIVER), stack_word(ctx, GO_STACK_BUFFER),
			     TLSSCOPE_FUNCTION_GO_READ);
}

/*
 * The Go connection's fd through the build's offsets, as found and validated at the call's entry
 * (a connection's socket does not change during a call, and another goroutine may have closed it
 * by the return), else through the offsets now, else the fd of the read/write syscall the entry
 * thread made during the call, else the fd this connection had before; each must be a TCP socket
 * of the process. Unlike OpenSSL, validated offsets win over the syscall when they disagree
 * (counted): goroutines share threads, so a thread's syscall is weaker evidence than the struct.
 */
static __always_inline __u8 resolve_go_fd(__u32 tgid, __u32 library_id, const struct go_call *call, __s32 *fd,
					  struct tlsscope_conn *conn)
{
	struct ssl_key cache_key = { .tgid = tgid, .ssl = call->conn };
	__s32 nested = call->nested_fd;
	__s32 candidate = call->entry_fd;
	__s32 *cached;
	__u8 method = TLSSCOPE_FD_NONE;

	if (candidate >= 0) {
		*conn = call->entry_conn;
		method = TLSSCOPE_FD_GO_CONN;
	} else if ((candidate = go_conn_fd(library_id, call->conn)) >= 0 && !find_conn(tgid, candidate, conn)) {
		method = TLSSCOPE_FD_GO_CONN;
	} else if (nested >= 0 && !find_conn(tgid, nested, conn)) {
		candidate = nested;
		method = TLSSCOPE_FD_NESTED_SYSCALL;
	} else {
		cached = bpf_map_lookup_elem(&ssl_fds, &cache_key);
		candidate = cached ? *cached : -1;
		if (candidate >= 0 && !find_conn(tgid, candidate, conn))
			method = TLSSCOPE_FD_CACHED;
	}
	switch (method) {
	case TLSSCOPE_FD_NONE:
		*fd = -1;
		count(TLSSCOPE_CTR_FD_UNRESOLVED, 1);
		return method;
	case TLSSCOPE_FD_GO_CONN:
		count(TLSSCOPE_CTR_FD_GO_CONN, 1);
		if (nested >= 0 && nested != candidate)
			count(TLSSCOPE_CTR_FD_MISMATCH, 1);
		break;
	case TLSSCOPE_FD_NESTED_SYSCALL:
		count(TLSSCOPE_CTR_FD_NESTED_SYSCALL, 1);
		break;
	default:
		count(TLSSCOPE_CTR_FD_CACHED, 1);
		break;
	}
	*fd = candidate;
	if (method != TLSSCOPE_FD_CACHED)
		bpf_map_update_elem(&ssl_fds, &cache_key, &candidate, BPF_ANY);
	return method;
}

/* At a RET: n and whether the error interface is non-nil, as the ABI passes them. */
static __always_inline int exit_go_call(struct pt_regs *ctx, __u64 goroutine, __s64 bytes, __u64 error_type,
					__u8 direction, bool copied)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 library_id = (__u32)bpf_get_attach_cookie(ctx);
	struct go_call_key key = { .tgid = pid_tgid >> 32, .goroutine = goroutine };
	struct go_call *call = bpf_map_lookup_elem(&go_calls, &key);
	struct tlsscope_tls_data_event *event;
	struct tlsscope_conn conn = {};
	struct chunk_loop stack_loop, *loop;
	struct ssl_conn *state;
	__s32 fd;

	if (!call) {
		/* a call the scope left at its entry has no entry state by design */
		if (!is_self(pid_tgid) && process_in_scope(pid_tgid >> 32))
			count(TLSSCOPE_CTR_GO_RETURN_WITHOUT_ENTRY, 1);
		return 0;
	}
	count_library_call(library_id, CALL_SEEN);
	if (bytes <= 0 || bytes > 0x7fffffff || error_type != 0) {
		count(TLSSCOPE_CTR_GO_CALLS_FAILED, 1);
		count_library_call(library_id, CALL_FAILED);
		goto done;
	}
	event = record_header(copied, &stack_loop, &loop);
	if (!event) {
		count(TLSSCOPE_CTR_RECORD_STATE_FAILED, 1);
		count_library_call(library_id, CALL_DROPPED);
		goto done;
	}
	event->fd_method = resolve_go_fd(key.tgid, library_id, call, &fd, &conn);
	event->fd = fd;
	event->layout = TLSSCOPE_LAYOUT_NONE;
	event->call_start_ns = call->start_ns;
	event->ssl = call->conn;
	event->library_id = library_id;
	event->direction = direction;
	event->function = call->function;
	state = identify_connection(event, key.tgid, call->conn, fd, &conn);
	emit_call(loop, event, copied, &conn, state, call->buffer, (__u64)bytes);
done:
	bpf_map_delete_elem(&go_calls, &key);
	bpf_map_delete_elem(&go_thread_calls, &pid_tgid);
	/*
	 * The Go thread stays marked: a goroutine parked inside its own TLS call may resume on this
	 * thread, and clearing the mark would hide its socket calls. A marked thread costs only the
	 * map lookups every thread paid before the mark existed.
	 */
	return 0;
}

/* Each RET program in two forms, as the OpenSSL return programs (suffix _copy: sleepable, copying). */
#define GO_RETURN_PROGRAMS(name, goroutine, bytes, error_type, direction)           \
	SEC("uprobe")                                                               \
	int name(struct pt_regs *ctx)                                               \
	{                                                                           \
		return exit_go_call(ctx, goroutine, bytes, error_type, direction, false); \
	}                                                                           \
	SEC("uprobe.s")                                                             \
	int name##_copy(struct pt_regs *ctx)                                        \
	{                                                                           \
		return exit_go_call(ctx, goroutine, bytes, error_type, direction, true);  \
	}

GO_RETURN_PROGRAMS(go_tls_write_return, ctx->r14, (__s64)ctx->ax, ctx->bx, TLSSCOPE_DIRECTION_WRITE)
GO_RETURN_PROGRAMS(go_tls_read_return, ctx->r14, (__s64)ctx->ax, ctx->bx, TLSSCOPE_DIRECTION_READ)
GO_RETURN_PROGRAMS(go_tls_write_return_stack, stack_abi_goroutine(), (__s64)stack_word(ctx, GO_STACK_RESULT_N),
		   stack_word(ctx, GO_STACK_RESULT_ERR), TLSSCOPE_DIRECTION_WRITE)
GO_RETURN_PROGRAMS(go_tls_read_return_stack, stack_abi_goroutine(), (__s64)stack_word(ctx, GO_STACK_RESULT_N),
		   stack_word(ctx, GO_STACK_RESULT_ERR), TLSSCOPE_DIRECTION_READ)

/* ---- syscalls: the fd an SSL call really uses, and the connection table ---- */

/*
 * First fd the thread reads or writes during an SSL call, or during the Go call it entered last:
 * the layout-free fd fallback.
 */
static __always_inline void note_nested_fd(__u64 pid_tgid, __s32 fd)
{
	struct ssl_call *call = bpf_map_lookup_elem(&ssl_calls, &pid_tgid);
	struct go_call_key *go_key;
	struct go_call *go_call;

	if (call) {
		if (call->nested_fd < 0)
			call->nested_fd = fd;
		return;
	}
	go_key = bpf_map_lookup_elem(&go_thread_calls, &pid_tgid);
	if (!go_key)
		return;
	go_call = bpf_map_lookup_elem(&go_calls, go_key);
	/* the goroutine may have returned and entered a new call elsewhere: only its entry thread counts */
	if (go_call && go_call->entry_tid == (__u32)pid_tgid && go_call->nested_fd < 0)
		go_call->nested_fd = fd;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(syscall_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__s32 fd;

	switch (id) {
	case TLSSCOPE_NR_READ:
	case TLSSCOPE_NR_WRITE:
	case TLSSCOPE_NR_READV:
	case TLSSCOPE_NR_WRITEV:
	case TLSSCOPE_NR_SENDTO:
	case TLSSCOPE_NR_RECVFROM:
	case TLSSCOPE_NR_SENDMSG:
	case TLSSCOPE_NR_RECVMSG:
		if (in_tls_call_now())
			note_nested_fd(pid_tgid, (__s32)BPF_CORE_READ(regs, di));
		return 0;
	case TLSSCOPE_NR_CONNECT:
		/* remembered until the exit, which knows whether it worked */
		fd = (__s32)BPF_CORE_READ(regs, di);
		if (!is_self(pid_tgid))
			bpf_map_update_elem(&connect_fds, &pid_tgid, &fd, BPF_ANY);
		return 0;
	case TLSSCOPE_NR_CLOSE: {
		struct tlsscope_conn_key key = {
			.tgid = pid_tgid >> 32,
			.fd = (__s32)BPF_CORE_READ(regs, di),
		};

		bpf_map_delete_elem(&conns, &key);
		return 0;
	}
	default:
		return 0;
	}
}

static __always_inline void connected(__u64 pid_tgid, long ret)
{
	__s32 *fd = bpf_map_lookup_elem(&connect_fds, &pid_tgid);

	if (!fd)
		return;
	/* A non-blocking connect has its local port by the time it returns EINPROGRESS. */
	if ((ret == 0 || ret == -EINPROGRESS) && !learn_conn(pid_tgid >> 32, *fd, TLSSCOPE_ROLE_CLIENT, NULL))
		count(TLSSCOPE_CTR_CONN_TRACKED, 1);
	bpf_map_delete_elem(&connect_fds, &pid_tgid);
}

static __always_inline int emit_process_event(__u32 type, __u32 pid, __u32 parent_pid);

#define TLSSCOPE_PROT_EXEC 4
/* Max errno: a return value in [-4095, -1] is an error, anything else an address. */
#define TLSSCOPE_MAX_ERRNO 4095

/* Whether fd of the current task is a file whose name starts with "libssl.so" (libssl.so, .so.3, .so.1.1). */
static __always_inline bool is_libssl(__s32 fd)
{
	static const char wanted[] = "libssl.so";
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *table = BPF_CORE_READ(task, files, fdt);
	struct file **files;
	struct file *file = NULL;
	const unsigned char *name;
	char prefix[sizeof(wanted)] = {};

	if (fd < 0 || !table || (__u32)fd >= BPF_CORE_READ(table, max_fds))
		return false;
	files = BPF_CORE_READ(table, fd);
	if (bpf_core_read(&file, sizeof(file), &files[fd]) || !file)
		return false;
	name = BPF_CORE_READ(file, f_path.dentry, d_name.name);
	if (!name || bpf_probe_read_kernel(prefix, sizeof(prefix) - 1, name))
		return false;
	for (int i = 0; i < sizeof(wanted) - 1; i++) {
		if (prefix[i] != wanted[i])
			return false;
	}
	return true;
}

/*
 * An mmap that made a libssl file executable in this process: its library is mapped now (the
 * dynamic loader's text-segment mmap, or a dlopen), so discovery can attach before its first SSL
 * call instead of waiting for a rescan. At the exit the argument registers still hold the call's
 * arguments: prot in dx, fd in r8.
 */
static __always_inline void library_mapped(__u64 pid_tgid, struct pt_regs *regs, long ret)
{
	__u64 prot = BPF_CORE_READ(regs, dx);
	__s32 fd = (__s32)BPF_CORE_READ(regs, r8);

	if ((unsigned long)ret >= (unsigned long)-TLSSCOPE_MAX_ERRNO || !(prot & TLSSCOPE_PROT_EXEC) || fd < 0)
		return;
	if (is_self(pid_tgid) || !is_libssl(fd))
		return;
	emit_process_event(TLSSCOPE_EVENT_TLS_LIBRARY_MAPPED, pid_tgid >> 32, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(syscall_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	long id = BPF_CORE_READ(regs, orig_ax);

	if (id == TLSSCOPE_NR_MMAP) {
		library_mapped(pid_tgid, regs, ret);
	} else if (id == TLSSCOPE_NR_CONNECT) {
		connected(pid_tgid, ret);
	} else if ((id == TLSSCOPE_NR_ACCEPT || id == TLSSCOPE_NR_ACCEPT4) && ret >= 0 && !is_self(pid_tgid)) {
		if (!learn_conn(pid_tgid >> 32, (__s32)ret, TLSSCOPE_ROLE_SERVER, NULL))
			count(TLSSCOPE_CTR_CONN_TRACKED, 1);
	}
	return 0;
}

/* ---- processes: exec and mapped libraries drive discovery, forks pass libraries on, exit drives detach ---- */

static __always_inline int emit_process_event(__u32 type, __u32 pid, __u32 parent_pid)
{
	struct tlsscope_process_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);

	if (!event) {
		count(TLSSCOPE_CTR_PROCESS_EVENT_DROPS, 1);
		return 0;
	}
	event->type = type;
	event->pid = pid;
	event->timestamp_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	event->parent_pid = parent_pid;
	event->pad = 0;
	bpf_ringbuf_submit(event, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(process_exec, struct task_struct *task)
{
	forget_scope_verdict(bpf_get_current_pid_tgid() >> 32);
	return emit_process_event(TLSSCOPE_EVENT_PROCESS_EXEC, bpf_get_current_pid_tgid() >> 32, 0);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(process_exit, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	/* Only the thread-group leader: one record per process, not per thread. */
	if ((__u32)pid_tgid != (__u32)(pid_tgid >> 32))
		return 0;
	forget_scope_verdict(pid_tgid >> 32);
	return emit_process_event(TLSSCOPE_EVENT_PROCESS_EXIT, pid_tgid >> 32, 0);
}

/*
 * A new process (not a thread) inherits its parent's mappings, TLS libraries included: discovery
 * passes the parent's libraries on, so it knows every user of an inode without walking /proc.
 */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 child_pid = BPF_CORE_READ(child, pid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);

	if (child_pid != child_tgid)
		return 0; /* a new thread */
	return emit_process_event(TLSSCOPE_EVENT_PROCESS_FORK, child_tgid, BPF_CORE_READ(parent, tgid));
}
