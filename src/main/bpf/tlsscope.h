/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Everything that crosses the kernel/user boundary: ring-buffer records, map keys and values,
 * counters and enums. The Java mirror is io.tlsscope.bpf.abi.KernelAbi; its test checks the sizes
 * asserted here. Enums are append-only with explicit values.
 */
#ifndef TLSSCOPE_H
#define TLSSCOPE_H

#define TLSSCOPE_COMM_LEN 16
/* Data bytes per ring-buffer record; a power of two so lengths can be masked for the verifier. */
#define TLSSCOPE_CHUNK_DATA_MAX 16384
/*
 * Data records wake the reader only once this much (or a quarter of a smaller ring) is waiting;
 * below it the reader finds them on its next timed poll (a few ms). Saves a wakeup per SSL call under load.
 */
#define TLSSCOPE_WAKEUP_BYTES (256 * 1024)
/* Upper bound for the per-call capture cap, so the chunk loop is bounded. */
#define TLSSCOPE_MAX_CHUNKS_PER_CALL 4096
/* Slots in the layout table; user space fills the first layout_count of them. */
#define TLSSCOPE_MAX_LAYOUTS 16
/* Event layout index when no layout resolved the fd. */
#define TLSSCOPE_LAYOUT_NONE 255
/*
 * Slots of the library_calls map. Library ids are never reused, so they are folded in: id N counts
 * in slot N % TLSSCOPE_LIBRARY_SLOTS; user space subtracts what a slot held when the library was
 * attached, and knows when two attached libraries share a slot.
 */
#define TLSSCOPE_LIBRARY_SLOTS 1024

enum tlsscope_event_type {
	TLSSCOPE_EVENT_TLS_DATA = 1,
	TLSSCOPE_EVENT_PROCESS_EXEC = 2,
	TLSSCOPE_EVENT_PROCESS_EXIT = 3,
	TLSSCOPE_EVENT_TLS_LIBRARY_MAPPED = 4, /* the process mapped a libssl.so* file executable */
	TLSSCOPE_EVENT_PROCESS_FORK = 5,       /* a new process (not a thread); parent_pid is its parent */
	TLSSCOPE_EVENT_CONNECTION_CLOSED = 6,  /* a connection id ended: SSL_free, or its SSL object moved to another socket */
};

enum tlsscope_direction {
	TLSSCOPE_DIRECTION_WRITE = 0, /* plaintext the process handed to SSL_write */
	TLSSCOPE_DIRECTION_READ = 1,  /* plaintext SSL_read returned to the process */
};

enum tlsscope_function {
	TLSSCOPE_FUNCTION_SSL_WRITE = 0,
	TLSSCOPE_FUNCTION_SSL_READ = 1,
	TLSSCOPE_FUNCTION_SSL_WRITE_EX = 2,
	TLSSCOPE_FUNCTION_SSL_READ_EX = 3,
	TLSSCOPE_FUNCTION_GO_WRITE = 4, /* crypto/tls.(*Conn).Write */
	TLSSCOPE_FUNCTION_GO_READ = 5,  /* crypto/tls.(*Conn).Read */
};

/* How the fd of an event was found. */
enum tlsscope_fd_method {
	TLSSCOPE_FD_NONE = 0,           /* unresolved: fd is -1 */
	TLSSCOPE_FD_LAYOUT = 1,         /* SSL->rbio->num with the library's struct layout, validated */
	TLSSCOPE_FD_NESTED_SYSCALL = 2, /* fd of the read/write syscall made inside the SSL call */
	TLSSCOPE_FD_CACHED = 3,         /* fd this SSL* resolved to on an earlier call, revalidated */
	TLSSCOPE_FD_SET_FD = 4,         /* fd the process gave SSL_set_fd/SSL_set_rfd/SSL_set_wfd */
	TLSSCOPE_FD_GO_CONN = 5,        /* Go: tls.Conn -> net.Conn -> netFD -> poll.FD.Sysfd, validated */
};

enum tlsscope_event_flags {
	TLSSCOPE_FLAG_LAST_CHUNK = 1,  /* last captured chunk of the call */
	TLSSCOPE_FLAG_TRUNCATED = 2,   /* the call moved more bytes than the per-call cap */
	TLSSCOPE_FLAG_TUPLE_VALID = 4, /* tuple holds the TCP 4-tuple of fd */
	/*
	 * The record holds the call's last chunk_len bytes (offset call_bytes - chunk_len): the bytes
	 * between the head records and it were skipped by the response budget.
	 */
	TLSSCOPE_FLAG_TAIL = 8,
};

enum tlsscope_conn_role {
	TLSSCOPE_ROLE_UNKNOWN = 0, /* found in the fd table or seeded from /proc */
	TLSSCOPE_ROLE_CLIENT = 1,  /* connect() */
	TLSSCOPE_ROLE_SERVER = 2,  /* accept()/accept4() */
};

/* Per-CPU counters, summed by user space. Every way to lose or degrade data has its own slot. */
enum tlsscope_counter {
	TLSSCOPE_CTR_CALLS_CAPTURED = 0,      /* SSL calls that moved data and were emitted */
	TLSSCOPE_CTR_CALLS_FAILED = 1,        /* calls that returned an error or nothing: no data */
	TLSSCOPE_CTR_RETURN_WITHOUT_ENTRY = 2,/* return seen without its entry (attached mid-call) */
	TLSSCOPE_CTR_ENTRY_MAP_FULL = 3,      /* entry state could not be saved: call lost */
	TLSSCOPE_CTR_RINGBUF_DROPS = 4,       /* records lost because the ring buffer was full */
	TLSSCOPE_CTR_RINGBUF_DROPPED_BYTES = 5,
	TLSSCOPE_CTR_TRUNCATED_CALLS = 6,     /* calls larger than the per-call cap */
	TLSSCOPE_CTR_TRUNCATED_BYTES = 7,     /* bytes beyond the cap, not captured */
	TLSSCOPE_CTR_FD_UNRESOLVED = 8,       /* calls emitted with fd -1 */
	TLSSCOPE_CTR_USER_READ_FAILED = 9,    /* chunks whose user buffer could not be read */
	TLSSCOPE_CTR_FD_LAYOUT = 10,
	TLSSCOPE_CTR_FD_NESTED_SYSCALL = 11,
	TLSSCOPE_CTR_FD_CACHED = 12,
	TLSSCOPE_CTR_LAYOUT_REJECTED = 13,    /* the library's hinted or forced layout gave no TCP socket */
	TLSSCOPE_CTR_TUPLE_MISSING = 14,      /* fd resolved but its 4-tuple is unknown */
	TLSSCOPE_CTR_CONN_TRACKED = 15,       /* connections added by connect/accept tracepoints */
	TLSSCOPE_CTR_CONN_FROM_FD_TABLE = 16, /* connections learned from the process's fd table */
	TLSSCOPE_CTR_CONN_INSERT_FAILED = 17,
	TLSSCOPE_CTR_PROCESS_EVENT_DROPS = 18,/* exec/exit/fork/mapped records lost: ring buffer full */
	TLSSCOPE_CTR_FD_SET_FD = 19,
	TLSSCOPE_CTR_FD_MISMATCH = 20,        /* layout and nested syscall named different sockets */
	TLSSCOPE_CTR_FD_GO_CONN = 21,
	TLSSCOPE_CTR_GO_CALLS_FAILED = 22,    /* Go Read/Write returned n <= 0 or an error: nothing emitted */
	TLSSCOPE_CTR_GO_ENTRY_MAP_FULL = 23,  /* Go call state could not be saved: call lost */
	TLSSCOPE_CTR_GO_RETURN_WITHOUT_ENTRY = 24,
	TLSSCOPE_CTR_CONNECTIONS_OPENED = 25, /* connection ids given out */
	TLSSCOPE_CTR_CONNECTION_EVENT_DROPS = 26, /* connection-closed records lost: ring buffer full */
	TLSSCOPE_CTR_CONN_STALE = 27,         /* conns entries whose fd now names another socket, relearned */
	TLSSCOPE_CTR_BUDGETED_CALLS = 28,     /* response calls cut by the response budget (head and tail kept) */
	TLSSCOPE_CTR_BUDGETED_BYTES = 29,     /* response bytes skipped by the budget, by policy */
	TLSSCOPE_CTR_RECORD_STATE_FAILED = 30, /* calls lost: the thread's record state (copying probes) could not be allocated */
	TLSSCOPE_CTR_SCOPE_SKIPPED_CALLS = 31,/* SSL/Go TLS calls of processes outside the scope, by policy */
	TLSSCOPE_CTR_COUNT = 32,
};

/*
 * library_calls map value (per CPU): what became of the SSL/Go calls of one library slot. Every
 * return seen with its entry state counts in seen, then in exactly one of the other four, so
 * seen = captured + dropped + read_failed + failed whenever no call is between the two steps.
 */
struct tlsscope_library_calls {
	__u64 seen;
	__u64 captured;    /* every record of the call emitted */
	__u64 dropped;     /* a record of the call lost: the ring buffer was full */
	__u64 read_failed; /* a chunk of the call unreadable in user memory (and none dropped) */
	__u64 failed;      /* the call returned an error or moved nothing: no data */
};
_Static_assert(sizeof(struct tlsscope_library_calls) == 40, "tlsscope_library_calls layout");

/* TCP endpoints of a socket from its own point of view: source is local, destination remote. */
struct tlsscope_tuple {
	__u16 family; /* AF_INET or AF_INET6; 0 when unknown */
	__u16 source_port;
	__u16 destination_port;
	__u16 pad;
	__u8 source_address[16]; /* IPv4 in the first 4 bytes */
	__u8 destination_address[16];
};
_Static_assert(sizeof(struct tlsscope_tuple) == 40, "tlsscope_tuple layout");

/* Ring-buffer record header for captured plaintext; chunk_len data bytes follow. */
struct tlsscope_tls_data_event {
	__u32 type;             /* TLSSCOPE_EVENT_TLS_DATA */
	__u32 pid;              /* tgid */
	__u32 tid;
	__s32 fd;               /* -1 when unresolved */
	__u64 timestamp_ns;     /* CLOCK_MONOTONIC at return */
	__u64 call_start_ns;    /* CLOCK_MONOTONIC at entry; with tid it identifies the call */
	__u64 ssl;              /* SSL* of the call (Go: the *tls.Conn) */
	__u64 cgroup_id;
	__u64 connection_id;    /* never reused; a new one when an SSL object is freed or moves to another socket */
	__u64 call_sequence;    /* 1, 2, 3... per connection id, one per call: a gap is a lost call */
	__u32 library_id;       /* attach cookie: the library registry id in user space */
	__u32 call_bytes;       /* bytes the call moved (before the cap) */
	__u32 chunk_sequence;   /* 0-based */
	__u32 chunk_len;
	__u8 direction;         /* enum tlsscope_direction */
	__u8 fd_method;         /* enum tlsscope_fd_method */
	__u8 function;          /* enum tlsscope_function */
	__u8 flags;             /* enum tlsscope_event_flags */
	char comm[TLSSCOPE_COMM_LEN];
	__u8 layout;            /* layout table index that found fd (method LAYOUT), else TLSSCOPE_LAYOUT_NONE */
	__u8 pad[3];
	struct tlsscope_tuple tuple;
	__u8 data[];
};
_Static_assert(sizeof(struct tlsscope_tls_data_event) == 144, "tlsscope_tls_data_event layout");

/* Ring-buffer record for what discovery follows: exec, exit, fork of a process, a TLS library mapped. */
struct tlsscope_process_event {
	__u32 type; /* TLSSCOPE_EVENT_PROCESS_EXEC, _EXIT, _FORK or TLSSCOPE_EVENT_TLS_LIBRARY_MAPPED */
	__u32 pid;  /* tgid */
	__u64 timestamp_ns;
	char comm[TLSSCOPE_COMM_LEN];
	__u32 parent_pid; /* fork: the parent's tgid; 0 otherwise */
	__u32 pad;
};
_Static_assert(sizeof(struct tlsscope_process_event) == 40, "tlsscope_process_event layout");

/* Ring-buffer record: a connection id ended (its decoder state can go). */
struct tlsscope_connection_event {
	__u32 type; /* TLSSCOPE_EVENT_CONNECTION_CLOSED */
	__u32 pid;  /* tgid */
	__u64 connection_id;
	__u64 calls; /* calls emitted under this id */
};
_Static_assert(sizeof(struct tlsscope_connection_event) == 24, "tlsscope_connection_event layout");

/* conns map: key (tgid, fd) of a TCP socket, value its tuple. */
struct tlsscope_conn_key {
	__u32 tgid;
	__s32 fd;
};
_Static_assert(sizeof(struct tlsscope_conn_key) == 8, "tlsscope_conn_key layout");

struct tlsscope_conn {
	struct tlsscope_tuple tuple;
	__u64 learned_ns;
	__u32 role; /* enum tlsscope_conn_role */
	__u32 pad;
	__u64 socket; /* the struct sock the fd named when learned: a reused fd number names another */
};
_Static_assert(sizeof(struct tlsscope_conn) == 64, "tlsscope_conn layout");

/* layout_table map: index -> where one OpenSSL release keeps the socket fd (SSL->rbio->num). */
struct tlsscope_layout {
	__s32 ssl_rbio_offset; /* offset of rbio from the SSL* the API receives; < 0: empty slot */
	__s32 bio_num_offset;  /* offset of num in BIO */
};
_Static_assert(sizeof(struct tlsscope_layout) == 8, "tlsscope_layout layout");

enum tlsscope_layout_choice_flags {
	TLSSCOPE_LAYOUT_FORCED = 1, /* try only this layout (still validated), never the others */
};

/* library_layouts map: key library id, value the layout to try first (detected) or only (forced). */
struct tlsscope_layout_choice {
	__s32 layout; /* layout table index; < 0: none known, try every layout */
	__u32 flags;  /* enum tlsscope_layout_choice_flags */
};
_Static_assert(sizeof(struct tlsscope_layout_choice) == 8, "tlsscope_layout_choice layout");

/* ssl_set_fds map value: what the process passed to SSL_set_fd/SSL_set_rfd/SSL_set_wfd. */
struct tlsscope_set_fds {
	__s32 read_fd;  /* -1: not set */
	__s32 write_fd;
};
_Static_assert(sizeof(struct tlsscope_set_fds) == 8, "tlsscope_set_fds layout");

/* go_layouts map value: where a Go build keeps the socket fd behind a *tls.Conn. */
struct tlsscope_go_layout {
	__s32 conn_data_offset;   /* tls.Conn.conn (a net.Conn interface): offset of its data word */
	__s32 tcpconn_fd_offset;  /* net.TCPConn (net.conn): offset of fd *netFD */
	__s32 netfd_sysfd_offset; /* netFD.pfd (poll.FD): offset of Sysfd */
	__s32 pad;
};
_Static_assert(sizeof(struct tlsscope_go_layout) == 16, "tlsscope_go_layout layout");

/* Whether tracing is limited to chosen processes (scope_settings map, one entry). */
enum tlsscope_scope_mode {
	TLSSCOPE_SCOPE_EVERYTHING = 0, /* no scope: every process is traced */
	TLSSCOPE_SCOPE_CHOSEN = 1,     /* only processes that match an entry of a scope_* rule map */
	TLSSCOPE_SCOPE_CHANGING = 2,   /* user space is rewriting the rule maps: decide on each call, cache nothing */
};

/* scope_settings map value: the mode, and the generation the cached verdicts must carry to count. */
struct tlsscope_scope_settings {
	__u32 mode;       /* enum tlsscope_scope_mode */
	__u32 generation; /* raised by user space after each change of the rule maps */
};
_Static_assert(sizeof(struct tlsscope_scope_settings) == 8, "tlsscope_scope_settings layout");

/* scope_executables map key: an executable file, as the kernel names it (task->mm->exe_file->f_inode). */
struct tlsscope_file_id {
	__u64 device; /* inode->i_sb->s_dev, the kernel's dev_t encoding: major << 20 | minor */
	__u64 inode;
};
_Static_assert(sizeof(struct tlsscope_file_id) == 16, "tlsscope_file_id layout");

/* Tunables in .rodata, written by user space before load. The only const volatile object. */
struct tlsscope_config {
	__u32 self_tgid;          /* the tracer itself: never traced */
	__u32 max_bytes_per_call; /* per-call capture cap; the rest is counted as truncated */
	__u32 layout_count;       /* filled slots of the layout table, <= TLSSCOPE_MAX_LAYOUTS */
	/*
	 * Response bytes (server to client) captured whole per exchange, from the first response call
	 * after a request until the next request; 0: responses are captured like requests. Applies to
	 * connections whose response direction user space has set in response_directions.
	 */
	__u32 response_budget;
	__u32 response_tail;      /* last bytes captured of each response call beyond the budget, 1..TLSSCOPE_CHUNK_DATA_MAX */
	__u32 pad;
};
_Static_assert(sizeof(struct tlsscope_config) == 24, "tlsscope_config layout");

#endif /* TLSSCOPE_H */
