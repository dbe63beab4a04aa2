/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Scope: which processes are traced. Every SSL and Go TLS entry probe asks process_in_scope()
 * before any other work; an out-of-scope process then costs the trap and one hash lookup. The
 * verdict is taken once per process (tgid) from its executable, comm, uid and cgroup, and cached;
 * exec and exit drop it, a change of the rules makes every cached verdict stale at once (the
 * generation), so a verdict computed from half-written rules is never used.
 */
#ifndef TLSSCOPE_SCOPE_H
#define TLSSCOPE_SCOPE_H

#include "tlsscope.h"

/* cgroup levels looked at above a process's own cgroup (a subtree rule names an ancestor) */
#define SCOPE_CGROUP_LEVELS 16

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tlsscope_scope_settings);
} scope_settings SEC(".maps");

/* The rules, written by user space: a process is in scope when any of them matches it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct tlsscope_file_id);
	__type(value, __u8);
} scope_executables SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[TLSSCOPE_COMM_LEN]); /* NUL-padded */
	__type(value, __u8);
} scope_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64); /* cgroup v2 id: a process in it or below it matches */
	__type(value, __u8);
} scope_cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32); /* uid, as the initial user namespace sees it */
	__type(value, __u8);
} scope_uids SEC(".maps");

struct scope_verdict {
	__u32 generation;
	__u32 in_scope;
};

/* Verdict per tgid; LRU so a missed exit record cannot fill it (an evicted verdict is just recomputed). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);
	__type(key, __u32);
	__type(value, struct scope_verdict);
} scope_verdicts SEC(".maps");

static __always_inline bool cgroup_in_scope(void)
{
	__u64 own = bpf_get_current_cgroup_id();

	if (bpf_map_lookup_elem(&scope_cgroups, &own))
		return true;
	for (int level = 0; level < SCOPE_CGROUP_LEVELS; level++) {
		__u64 ancestor = bpf_get_current_ancestor_cgroup_id(level);

		if (!ancestor || ancestor == own)
			break; /* past the process's own level */
		if (bpf_map_lookup_elem(&scope_cgroups, &ancestor))
			return true;
	}
	return false;
}

/* The rules applied to the current process: comm and executable of the process, not of the thread. */
static __always_inline bool matches_scope_rules(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct tlsscope_file_id file = {};
	char comm[TLSSCOPE_COMM_LEN] = {};
	__u32 uid = (__u32)bpf_get_current_uid_gid();

	if (bpf_map_lookup_elem(&scope_uids, &uid))
		return true;
	/* the _str read stops at the NUL: the rest stays zero, as in the keys user space writes */
	bpf_probe_read_kernel_str(comm, sizeof(comm), &leader->comm);
	if (bpf_map_lookup_elem(&scope_comms, comm))
		return true;
	if (exe) {
		file.inode = BPF_CORE_READ(exe, f_inode, i_ino);
		file.device = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
		if (bpf_map_lookup_elem(&scope_executables, &file))
			return true;
	}
	return cgroup_in_scope();
}

static __always_inline bool process_in_scope(__u32 tgid)
{
	__u32 zero = 0;
	struct tlsscope_scope_settings *settings = bpf_map_lookup_elem(&scope_settings, &zero);
	struct tlsscope_scope_settings now;
	struct scope_verdict *cached;
	struct scope_verdict verdict;

	if (!settings || settings->mode == TLSSCOPE_SCOPE_EVERYTHING)
		return true;
	now = *settings; /* one copy: mode and generation belong together */
	cached = bpf_map_lookup_elem(&scope_verdicts, &tgid);
	if (cached && cached->generation == now.generation && now.mode == TLSSCOPE_SCOPE_CHOSEN)
		return cached->in_scope;
	verdict.generation = now.generation;
	verdict.in_scope = matches_scope_rules();
	if (now.mode == TLSSCOPE_SCOPE_CHOSEN)
		bpf_map_update_elem(&scope_verdicts, &tgid, &verdict, BPF_ANY);
	return verdict.in_scope;
}

/* exec: the process may now be another program (executable, comm); exit: its tgid may be reused. */
static __always_inline void forget_scope_verdict(__u32 tgid)
{
	bpf_map_delete_elem(&scope_verdicts, &tgid);
}

#endif /* TLSSCOPE_SCOPE_H */
