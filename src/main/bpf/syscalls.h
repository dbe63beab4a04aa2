/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * x86-64 syscall numbers tlsscope watches, from the kernel's
 * arch/x86/entry/syscalls/syscall_64.tbl (stable ABI). The programs hook the raw sys_enter and
 * sys_exit tracepoints (tp_btf): they attach through the bpf syscall alone, with no tracefs mount,
 * and one attachment covers every syscall.
 */
#ifndef TLSSCOPE_SYSCALLS_H
#define TLSSCOPE_SYSCALLS_H

#define TLSSCOPE_NR_READ 0
#define TLSSCOPE_NR_WRITE 1
#define TLSSCOPE_NR_CLOSE 3
#define TLSSCOPE_NR_MMAP 9
#define TLSSCOPE_NR_READV 19
#define TLSSCOPE_NR_WRITEV 20
#define TLSSCOPE_NR_CONNECT 42
#define TLSSCOPE_NR_ACCEPT 43
#define TLSSCOPE_NR_SENDTO 44
#define TLSSCOPE_NR_RECVFROM 45
#define TLSSCOPE_NR_SENDMSG 46
#define TLSSCOPE_NR_RECVMSG 47
#define TLSSCOPE_NR_ACCEPT4 288

#endif /* TLSSCOPE_SYSCALLS_H */
