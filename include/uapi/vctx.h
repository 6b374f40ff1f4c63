/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vctx: security contexts for Linux — the userspace ABI of /dev/vctx.
 *
 * This header is the single source of truth: the kernel module and the
 * command-line tool both get their types from it through bindgen.
 *
 * Rules (see Documentation/abi.rst):
 *  - every argument struct starts with "__u32 size", which must equal the
 *    size encoded in the ioctl number; a caller built against an older,
 *    shorter struct is zero-extended, a newer, longer struct is accepted
 *    only if the tail the module does not know is all zero (else E2BIG);
 *  - fixed-width fields only, explicit padding (must be zero), pointers as
 *    __u64, every struct a multiple of 8 bytes;
 *  - flags: unknown bits are rejected with EINVAL;
 *  - paths are relative to the caller's own context: "/" is the caller's
 *    context, and nothing outside it can be named (ENOENT).
 *  - commands are never re-purposed; new ones get new numbers.
 */
#ifndef _UAPI_LINUX_VCTX_H
#define _UAPI_LINUX_VCTX_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VCTX_ABI_VERSION	1

/* Name of the misc device: /dev/vctx. */
#define VCTX_DEVICE_NAME	"vctx"

/* A context name: 1..63 bytes of [A-Za-z0-9._-], not "." or "..". */
#define VCTX_NAME_MAX		63
/* A path: names joined by '/', at most this many bytes. */
#define VCTX_PATH_MAX		1024
/* Contexts nest at most this deep below the root. */
#define VCTX_DEPTH_MAX		32

/* The root context (the host). Its id is always 0. */
#define VCTX_ROOT_ID		0ULL
/* "No context": the parent of the caller's own root, as it sees it. */
#define VCTX_ID_NONE		(~0ULL)

/* Feature bits reported by VCTX_IOC_VERSION. */
#define VCTX_FEAT_VERSION	(1ULL << 0)	/* this ioctl */
#define VCTX_FEAT_CONTEXTS	(1ULL << 1)	/* create/destroy/rename/list/info */
#define VCTX_FEAT_MEMBERSHIP	(1ULL << 2)	/* fork inheritance, enter, pids */
#define VCTX_FEAT_KILL		(1ULL << 3)	/* recursive kill with escalation */
#define VCTX_FEAT_WAIT		(1ULL << 4)	/* wait until empty */
#define VCTX_FEAT_ISOLATION	(1ULL << 5)	/* /proc filtering, signal and ptrace barriers */
#define VCTX_FEAT_ACCOUNTING	(1ULL << 6)	/* counters: stat, snapshot, final record */
#define VCTX_FEAT_LIMITS	(1ULL << 7)	/* nproc, nthreads, rss limits; checkpoints */
#define VCTX_FEAT_EVENTS	(1ULL << 8)	/* read()/poll() of limit events */
#define VCTX_FEAT_VIRT		(1ULL << 9)	/* virtualized /proc/{uptime,loadavg,meminfo}, sysinfo */
#define VCTX_FEAT_NAMESPACES	(1ULL << 10)	/* contexts hold namespaces: NS_SET, NS_GET, NS_OPEN */
#define VCTX_FEAT_SEAL		(1ULL << 11)	/* SEAL and SET_FLAGS */
#define VCTX_FEAT_CAPS		(1ULL << 12)	/* capability masks: SET_CAPS, create and INFO caps */
#define VCTX_FEAT_REBOOT	(1ULL << 13)	/* reboot(2) inside ends the context; wait reason */

/*
 * Capability masks (VCTX_FEAT_CAPS, Documentation/security.rst): a u64 of
 * bits (1ULL << CAP_*) in the kernel's own numbering. What a member process
 * can hold or use in the initial user namespace is within its context's
 * mask; a context's mask is within its parent's. The root context (the
 * host) has every capability. VCTX_CAPS_ALL is every capability this
 * header knows (up to CAP_CHECKPOINT_RESTORE, 40); the module accepts the
 * bits its kernel knows and rejects others with EINVAL.
 */
#define VCTX_CAPS_LAST		40
#define VCTX_CAPS_ALL		((1ULL << (VCTX_CAPS_LAST + 1)) - 1)
#define VCTX_FEAT_CGROUP	(1ULL << 14)	/* contexts bound to cgroup v2: CGROUP_SET, CGROUP_GET */
#define VCTX_FEAT_CPUVIEW	(1ULL << 17)	/* /proc/cpuinfo, /proc/stat, cpu/online follow cpus= and cpu= */

/*
 * Context flags (vctx_entry.flags, vctx_create.ctx_flags). An ephemeral
 * context is destroyed when its last member process exits and it has no
 * children; a new one stays until it has had members and lost them.
 */
#define VCTX_CTX_EPHEMERAL	(1U << 0)	/* destroyed when it empties */
#define VCTX_CTX_SPECTATOR	(1U << 1)	/* sees every process in /proc (not signal/ptrace) */
#define VCTX_CTX_NOVIRT		(1U << 2)	/* host values in /proc views (issue 6; inherited) */
#define VCTX_CTX_KILLING	(1U << 16)	/* read-only: a kill is in progress */
#define VCTX_CTX_SEALED		(1U << 17)	/* read-only: sealed (issue 7) */
#define VCTX_CTX_CGROUP		(1U << 20)	/* read-only: bound to a cgroup of its own (issue 13) */
#define VCTX_CTX_SETTABLE	(VCTX_CTX_EPHEMERAL | VCTX_CTX_SPECTATOR | VCTX_CTX_NOVIRT)
/* Settable flags that weaken isolation: refused from inside a sealed context. */
#define VCTX_CTX_LOOSENING	(VCTX_CTX_SPECTATOR | VCTX_CTX_NOVIRT)

/*
 * A string argument: a pointer to bytes (no NUL needed) and their length.
 */
struct vctx_str {
	__u64 ptr;		/* user address of the bytes */
	__u32 len;		/* length in bytes, at most VCTX_PATH_MAX */
	__u32 __pad;		/* must be zero */
};

/*
 * Accounting (VCTX_FEAT_ACCOUNTING). A context's figures are "self" (its
 * own member processes) or "subtree" (itself and all descendants). Totals
 * of exited processes are folded in at exit; live processes are summed
 * when read, under the same lock, so a reading is consistent and no
 * counter ever goes backwards. A process that enters a context brings
 * none of its past: it counts from the moment it joined.
 */
struct vctx_counters {
	__u64 processes;	/* member processes now */
	__u64 threads;		/* their tasks now */
	__u64 forks;		/* processes created by fork/clone, ever */
	__u64 execs;		/* successful execve calls, ever */
	__u64 exits;		/* member processes that exited, ever */
	__u64 cpu_user_ns;	/* CPU time in user mode */
	__u64 cpu_system_ns;	/* CPU time in the kernel */
	__u64 rss_bytes;	/* resident memory now; each address space once */
	__u64 rss_peak_bytes;	/* highest rss_bytes seen (sampled: Documentation/accounting.rst) */
	__u64 io_read_bytes;	/* bytes read by read-like syscalls, any file (rchar) */
	__u64 io_write_bytes;	/* bytes written, any file (wchar) */
	__u64 io_storage_read_bytes;	/* fetched from storage (read_bytes) */
	__u64 io_storage_write_bytes;	/* sent to storage (write_bytes) */
	__u64 nvcsw;		/* voluntary context switches */
	__u64 nivcsw;		/* involuntary context switches */
	__u64 limit_hits;	/* failures of all limits of the context */
};

/* Resources with limits: the index into vctx_limit arrays. */
#define VCTX_RES_NPROC		0	/* processes of the subtree: enforced */
#define VCTX_RES_NTHREADS	1	/* tasks of the subtree: enforced */
#define VCTX_RES_RSS		2	/* bytes of the subtree: soft, never enforced */
#define VCTX_RES_COUNT		3

/* A limit of "max": unlimited. */
#define VCTX_LIMIT_NONE		(~0ULL)

/*
 * One limit, beancounter style. A fork, clone or enter that would take
 * held above limit, in the context or any ancestor, fails with EAGAIN and
 * counts a failure where the limit is; the rss limit is soft: crossing it
 * upwards counts a failure and emits an event, nothing is refused.
 */
struct vctx_limit {
	__u64 held;		/* use now, by the subtree */
	__u64 peak;		/* highest held (since the reader's checkpoint, VCTX_STAT_WINDOW) */
	__u64 limit;		/* VCTX_LIMIT_NONE: unlimited */
	__u64 failures;		/* refusals (rss: upward crossings) */
};

/* vctx_stat.flags */
#define VCTX_STAT_WINDOW	(1U << 0)	/* peaks since this open file's checkpoint */
#define VCTX_STAT_FLAGS		(VCTX_STAT_WINDOW)

/*
 * VCTX_IOC_STAT: the figures of one context. Unprivileged within the
 * caller's subtree. With VCTX_STAT_WINDOW the limit peaks are those since
 * the checkpoint this open file took on the context (ENODATA if it took
 * none); other readers are not affected.
 */
struct vctx_stat {
	__u32 size;
	__u32 flags;		/* VCTX_STAT_* */
	struct vctx_str path;
	__u64 id;		/* out */
	__u64 now_ns;		/* out: CLOCK_BOOTTIME of the reading */
	__u64 created_ns;	/* out: CLOCK_BOOTTIME of the creation */
	__u64 loadavg[3];	/* out: subtree 1/5/15-minute load, 1.0 = 2048 (as avenrun) */
	__u32 nr_running;	/* out: subtree tasks runnable now */
	__s32 last_pid;		/* out: the latest process created in the subtree (0: none) */
	__u32 ctx_flags;	/* out: VCTX_CTX_* */
	__u32 __pad;
	struct vctx_counters self;	/* out */
	struct vctx_counters subtree;	/* out */
	struct vctx_limit limits[VCTX_RES_COUNT];	/* out: of this context */
};

/* One context of a snapshot (VCTX_IOC_SNAPSHOT). */
struct vctx_snap_entry {
	__u64 id;
	__u64 parent_id;	/* VCTX_ID_NONE for the snapshot's root */
	__u32 depth;		/* 0 for the snapshot's root */
	__u32 flags;		/* VCTX_CTX_* */
	__u64 created_ns;
	char name[VCTX_NAME_MAX + 1];	/* "" for the caller's own root */
	struct vctx_counters self;
	struct vctx_counters subtree;
	struct vctx_limit limits[VCTX_RES_COUNT];
};

/*
 * VCTX_IOC_SNAPSHOT: a context and its whole subtree (pre-order, children
 * by name), every figure taken under one lock: one consistent reading.
 * entry_size, capacity and ERANGE (count = entries needed) as for
 * VCTX_IOC_LIST. Unprivileged within the caller's subtree.
 */
struct vctx_snapshot {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u64 entries;		/* user address of an array of vctx_snap_entry */
	__u32 entry_size;	/* in: sizeof(struct vctx_snap_entry) as the caller knows it */
	__u32 capacity;		/* in: entries the array holds */
	__u32 count;		/* out: entries written (or needed, on ERANGE) */
	__u32 __pad;
	__u64 now_ns;		/* out: CLOCK_BOOTTIME of the reading */
};

/*
 * VCTX_IOC_SET_LIMIT: sets the limits whose bit (1 << VCTX_RES_*) is in
 * mask to limit[res]; the other entries must be zero. A limit below what
 * is held is allowed (nothing is killed; growth fails until use drops).
 * Needs CAP_SYS_ADMIN; from inside a sealed context, raising is EPERM.
 */
struct vctx_set_limit {
	__u32 size;
	__u32 mask;		/* 1 << VCTX_RES_* */
	struct vctx_str path;
	__u64 limit[VCTX_RES_COUNT];	/* VCTX_LIMIT_NONE: unlimited */
	__u64 __pad;
};

/*
 * VCTX_IOC_CHECKPOINT: starts (or restarts) this open file's peak window
 * on a context: from now on VCTX_STAT_WINDOW reports the peaks since this
 * moment to this file only. At most VCTX_CHECKPOINTS_MAX contexts per
 * open file (ENOSPC). Unprivileged within the caller's subtree.
 */
#define VCTX_CHECKPOINTS_MAX	64
struct vctx_checkpoint {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u64 id;		/* out: the context */
};

/*
 * Events (VCTX_FEAT_EVENTS): read() on an open /dev/vctx returns whole
 * struct vctx_event records (EINVAL if the buffer holds none), oldest
 * first, each open file with its own cursor, which starts at the oldest
 * record kept that it can see (like the kernel log). With nothing to read, read() blocks,
 * or fails with EAGAIN under O_NONBLOCK; poll() reports POLLIN while
 * records are waiting. Event pids are host pids (the initial namespace). The module keeps the latest
 * VCTX_EVENTS_KEPT records; a reader that falls further behind gets one
 * VCTX_EVENT_OVERFLOW record saying how many it lost (records of contexts
 * it cannot see included: they are gone before anyone can tell), never
 * blocks the kernel. A reader sees the events of contexts within its own subtree.
 */
#define VCTX_EVENTS_KEPT	1024

#define VCTX_EVENT_LIMIT	1	/* a limit refused something (rss: was crossed) */
#define VCTX_EVENT_OVERFLOW	2	/* this reader lost `lost` records before `seq` */
/*
 * VCTX_FEAT_REBOOT: a member called reboot(2) (RESTART, RESTART2: REBOOT;
 * HALT, POWER_OFF: HALT) and its context (ctx_id) is being ended; pid,
 * tgid and comm name the caller, resource and the figures are zero.
 */
#define VCTX_EVENT_REBOOT	3	/* "reboot requested" */
#define VCTX_EVENT_HALT		4	/* "halt requested" */

struct vctx_event {
	__u64 seq;		/* 1, 2, ... since the module loaded */
	__u64 time_ns;		/* CLOCK_BOOTTIME */
	__u32 type;		/* VCTX_EVENT_* */
	__u32 resource;		/* VCTX_RES_* */
	__u64 ctx_id;		/* the context whose limit it was */
	__u64 origin_id;	/* the context of the process that hit it */
	__u64 limit;
	__u64 attempted;	/* the use the operation would have reached */
	__u64 lost;		/* OVERFLOW: records this reader missed */
	__s32 pid;		/* the thread that hit it (host pid; 0: none) */
	__s32 tgid;		/* its process */
	char comm[16];		/* its name, NUL-padded */
};

/* VCTX_IOC_VERSION: what the module speaks. Unprivileged. */
struct vctx_version {
	__u32 size;		/* in: sizeof(struct vctx_version) */
	__u32 abi_version;	/* out: VCTX_ABI_VERSION of the module */
	__u64 features;		/* out: VCTX_FEAT_* */
	__u32 name_max;		/* out: VCTX_NAME_MAX */
	__u32 path_max;		/* out: VCTX_PATH_MAX */
	__u32 depth_max;	/* out: VCTX_DEPTH_MAX */
	__u32 __pad;		/* must be zero */
};

/* vctx_create.flags */
#define VCTX_CREATE_PARENTS	(1U << 0)	/* create missing parents (mkdir -p) */
#define VCTX_CREATE_AUTONAME	(1U << 1)	/* path names the parent; name is unnamed<id> */
#define VCTX_CREATE_EXIST_OK	(1U << 2)	/* an existing context is not an error */
#define VCTX_CREATE_CAPS	(1U << 3)	/* caps holds the new context's mask */
#define VCTX_CREATE_FLAGS	(VCTX_CREATE_PARENTS | VCTX_CREATE_AUTONAME | \
				 VCTX_CREATE_EXIST_OK | VCTX_CREATE_CAPS)

/*
 * VCTX_IOC_CREATE: create a context. Needs CAP_SYS_ADMIN. A new context's
 * capability mask is its parent's, intersected with caps if
 * VCTX_CREATE_CAPS is set (without it, as from a caller built before
 * VCTX_FEAT_CAPS, it keeps all of its parent's). Parents created on the
 * way (VCTX_CREATE_PARENTS) get the same intersection. An existing
 * context (EXIST_OK) keeps its own.
 */
struct vctx_create {
	__u32 size;
	__u32 flags;		/* VCTX_CREATE_* */
	struct vctx_str path;	/* in: the new context (or its parent, AUTONAME) */
	__u32 ctx_flags;	/* in: VCTX_CTX_SETTABLE bits for the new context */
	__u32 __pad;
	__u64 id;		/* out: id of the (new or existing) context */
	char name[VCTX_NAME_MAX + 1];	/* out: its name, NUL-terminated */
	/* Since VCTX_FEAT_CAPS: */
	__u64 caps;		/* in: with VCTX_CREATE_CAPS, bits within VCTX_CAPS_ALL */
};

/* VCTX_IOC_DESTROY: destroy an empty context with no children. CAP_SYS_ADMIN. */
struct vctx_destroy {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
};

/* VCTX_IOC_RENAME: rename a context within its parent. CAP_SYS_ADMIN. */
struct vctx_rename {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	char new_name[VCTX_NAME_MAX + 1];	/* NUL-terminated, zero-padded */
};

/*
 * One context as seen by the caller (VCTX_IOC_LIST, VCTX_IOC_INFO).
 * "self" counts are members of this context only; "subtree" counts include
 * all descendants.
 */
struct vctx_entry {
	__u64 id;
	__u64 parent_id;	/* VCTX_ID_NONE for the caller's own root */
	__u32 flags;		/* VCTX_CTX_* */
	__u32 depth;		/* 0 for the context the listing starts at */
	__u64 created_ns;	/* CLOCK_BOOTTIME at creation */
	__u32 nr_children;
	__u32 nr_processes;	/* processes whose context this is */
	__u32 nr_threads;	/* their threads (tasks) */
	__u32 subtree_processes; /* processes here and in all descendants */
	__u64 total_processes;	/* processes that ever joined (fork or enter) */
	char name[VCTX_NAME_MAX + 1];	/* "" for the caller's own root */
	/* Since VCTX_FEAT_CAPS (an older, shorter entry does not get it): */
	__u64 caps;		/* the context's capability mask */
};

/* vctx_list.flags */
#define VCTX_LIST_RECURSIVE	(1U << 0)	/* the whole subtree, pre-order */
#define VCTX_LIST_FLAGS		(VCTX_LIST_RECURSIVE)

/*
 * VCTX_IOC_LIST: the context at path and its children (or, RECURSIVE, its
 * whole subtree in pre-order, depth-first, children by name). Unprivileged
 * within the caller's own subtree.
 *
 * The module writes min(entry_size, sizeof(struct vctx_entry)) bytes per
 * entry, so callers built against an older, shorter entry keep working.
 * If capacity is too small nothing is written, count holds the number
 * needed and the ioctl fails with ERANGE.
 */
struct vctx_list {
	__u32 size;
	__u32 flags;		/* VCTX_LIST_* */
	struct vctx_str path;
	__u64 entries;		/* user address of an array of entries */
	__u32 entry_size;	/* in: sizeof(struct vctx_entry) as the caller knows it */
	__u32 capacity;		/* in: entries the array holds */
	__u32 count;		/* out: entries written (or needed, on ERANGE) */
	__u32 __pad;
};

/* vctx_info.flags */
#define VCTX_INFO_BY_PID	(1U << 0)	/* describe the context of pid, not path */
#define VCTX_INFO_FLAGS		(VCTX_INFO_BY_PID)

/*
 * VCTX_IOC_INFO: one context, by path or by the pid of a member (0: the
 * caller), and its path as the caller names it. Unprivileged within the
 * caller's subtree; a pid outside it is ESRCH, as if it did not exist.
 * With BY_PID, path must be all zero.
 *
 * The path is written to path_buf NUL-terminated; path_len is its length
 * without the NUL. If path_buf_len is too small nothing is written,
 * path_len is the length needed and the ioctl fails with ERANGE. With
 * path_buf 0 only path_len is filled in.
 */
struct vctx_info {
	__u32 size;
	__u32 flags;		/* VCTX_INFO_* */
	struct vctx_str path;	/* in: the context, unless BY_PID */
	__s32 pid;		/* in: with BY_PID; 0 is the caller */
	__u32 path_len;		/* out: length of the path written */
	__u64 path_buf;		/* in: user buffer for the path (may be 0) */
	__u32 path_buf_len;	/* in: its size; ERANGE if too small */
	__u32 __pad;
	struct vctx_entry entry; /* out */
};

/* vctx_enter.flags: none yet. */
/*
 * VCTX_IOC_ENTER: move a process (all its threads) into a context. The
 * target must be the process's current context or a descendant of it:
 * never up, never sideways. Moving another process needs CAP_SYS_ADMIN.
 */
struct vctx_enter {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__s32 pid;		/* 0: the caller */
	__u32 __pad;
};

/* One member process (VCTX_IOC_PIDS). */
struct vctx_pid_entry {
	__s32 pid;		/* the process (thread group) id, as the caller sees it */
	__u32 nr_threads;
	__u64 ctx_id;		/* the context it is a member of */
};

/*
 * VCTX_IOC_PIDS: the processes of a context (RECURSIVE: and of its
 * subtree). entry_size, capacity and ERANGE as for VCTX_IOC_LIST.
 */
struct vctx_pids {
	__u32 size;
	__u32 flags;		/* VCTX_LIST_RECURSIVE */
	struct vctx_str path;
	__u64 entries;		/* user address of an array of vctx_pid_entry */
	__u32 entry_size;	/* in: sizeof(struct vctx_pid_entry) as the caller knows it */
	__u32 capacity;		/* in: entries the array holds */
	__u32 count;		/* out: entries written (or needed, on ERANGE) */
	__u32 __pad;
};

/*
 * VCTX_IOC_KILL: send signal to every process of the context and its
 * subtree. While the kill runs the subtree admits no new members (fork and
 * enter into it fail with EAGAIN). With grace_ms and then_signal, wait up to
 * grace_ms for the subtree to empty, then send then_signal to what is left.
 * Needs CAP_SYS_ADMIN. Interruptible: a signal ends the grace early with
 * EINTR (what was sent stays sent).
 */
struct vctx_kill {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u32 signal;		/* 0..64; 0 only probes */
	__u32 then_signal;	/* 0: none */
	__u64 grace_ms;		/* with then_signal: how long to wait first */
	__u32 signalled;	/* out: processes signalled (first signal) */
	__u32 escalated;	/* out: processes sent then_signal */
};

/*
 * VCTX_IOC_WAIT: block until the context's subtree has no members, or
 * timeout_ms passes (ETIMEDOUT; 0 polls once; ~0 waits for ever).
 * Interruptible. Reports the context's life so far.
 */
struct vctx_wait {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u64 timeout_ms;
	__u64 lifetime_ns;	/* out: creation until empty (or now) */
	__u64 total_processes;	/* out: processes that ever joined */
	__u64 id;		/* out */
	/* Since VCTX_FEAT_ACCOUNTING: the final record of the subtree. */
	struct vctx_counters totals;	/* out: lifetime totals (live figures 0) */
	struct vctx_limit limits[VCTX_RES_COUNT];	/* out: lifetime peaks, failures */
	/* Since VCTX_FEAT_REBOOT: */
	__u32 reason;		/* out: 0, or VCTX_EVENT_REBOOT / VCTX_EVENT_HALT: why it last ended */
	__u32 __pad;
};

/*
 * VCTX_IOC_SET_FLAGS: sets and clears VCTX_CTX_SETTABLE flags of an
 * existing context (set and clear must not overlap). Needs CAP_SYS_ADMIN.
 * From inside a sealed context (the caller's context is the sealed one or
 * below it): a sealed context's flags cannot change at all, and no context
 * of the sealed subtree can gain a VCTX_CTX_LOOSENING flag (EPERM).
 */
struct vctx_set_flags {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u32 set;		/* VCTX_CTX_SETTABLE bits to set */
	__u32 clear;		/* VCTX_CTX_SETTABLE bits to clear */
	__u32 ctx_flags;	/* out: the context's flags afterwards */
	__u32 __pad;
};

/*
 * VCTX_IOC_SEAL: ends a context's setup phase (VCTX_CTX_SEALED, for good).
 * Afterwards no process inside it, root included, can loosen it: raise its
 * limits, change its flags, set a loosening flag anywhere in its subtree,
 * or change its namespaces. Processes outside it (its ancestors) still
 * can. Sealing a sealed context is not an error. Needs CAP_SYS_ADMIN.
 */
struct vctx_seal {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u64 id;		/* out: the context */
};

/*
 * VCTX_IOC_SET_CAPS (VCTX_FEAT_CAPS): replaces the capability mask of a
 * context with caps, which must be within its parent's mask (EPERM
 * otherwise) and within the bits the kernel knows (EINVAL). Narrowing
 * narrows the whole subtree (a child keeps only what its parent has);
 * widening widens this context only. Processes already inside keep the
 * credentials they hold, but can no longer use a capability outside the
 * new mask in the initial user namespace (EPERM), and an exec gains
 * nothing beyond it. Needs CAP_SYS_ADMIN, from outside the context (the
 * caller's own context or one above it: EPERM); a sealed context's mask
 * is frozen (EPERM; narrowing an ancestor still narrows it).
 */
struct vctx_set_caps {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u64 caps;		/* in: the new mask */
	__u64 old_caps;		/* out: the mask before */
};

/*
 * Namespaces (VCTX_FEAT_NAMESPACES): a context can hold one namespace of
 * each type; the index into the arrays below.
 */
#define VCTX_NS_UTS		0
#define VCTX_NS_IPC		1
#define VCTX_NS_PID		2	/* the pid namespace its processes' children are born in */
#define VCTX_NS_NET		3
#define VCTX_NS_MNT		4
#define VCTX_NS_USER		5
#define VCTX_NS_CGROUP		6
#define VCTX_NS_TIME		7	/* as pid: for children */
#define VCTX_NS_COUNT		8
#define VCTX_NS_ALL		((1U << VCTX_NS_COUNT) - 1)

/*
 * VCTX_IOC_NS_SET: records namespaces on a context. For each type whose bit
 * (1 << VCTX_NS_*) is in mask, fds[type] is an open namespace file of that
 * type (/proc/PID/ns/NAME, or pid_for_children, time_for_children); the
 * other entries must be zero. The module keeps a reference to each file
 * until the context's subtree next becomes empty, or it is destroyed.
 * A type the context already holds is EBUSY; a file that is not a
 * namespace of its type is EINVAL; the root context holds none (EPERM).
 * Needs CAP_SYS_ADMIN; from inside a sealed context, on that context, EPERM.
 */
struct vctx_ns_set {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u32 mask;		/* 1 << VCTX_NS_* */
	__u32 __pad;
	__s32 fds[VCTX_NS_COUNT];
};

/*
 * VCTX_IOC_NS_GET: the namespaces of a context. A context is in the
 * namespaces it holds itself and, for the other types, in those of its
 * nearest ancestor that holds one (looking no higher than the caller's own
 * context). Unprivileged within the caller's subtree.
 */
struct vctx_ns_get {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u32 own;		/* out: types the context holds itself */
	__u32 mask;		/* out: types in effect (own or inherited) */
	__u64 ino[VCTX_NS_COUNT];	/* out: inode numbers, as /proc/PID/ns shows them */
	__u64 holder[VCTX_NS_COUNT];	/* out: id of the context holding each */
};

/*
 * VCTX_IOC_NS_OPEN: a new file descriptor (close-on-exec) for the namespace
 * of one type a context is in (held or inherited, as NS_GET), for setns(2).
 * ENODATA if it has none of that type. Needs CAP_SYS_ADMIN.
 */
struct vctx_ns_open {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u32 type;		/* VCTX_NS_* */
	__s32 fd;		/* out */
	__u64 ino;		/* out: the namespace's inode number */
};

/*
 * Cgroups (VCTX_FEAT_CGROUP, Documentation/cgroups.rst). A context may be
 * bound to a cgroup v2 directory; its members, and those of its
 * descendants that are not bound themselves, are then in that cgroup's
 * subtree for as long as they are members:
 *  - VCTX_IOC_ENTER into such a context fails with EXDEV unless the
 *    process is already in the cgroup's subtree (move it first: write its
 *    pid to cgroup.procs); the check and the entry hold cgroup_mutex, so
 *    nothing moves it in between;
 *  - nobody moves a member out of its context's cgroup subtree (EPERM);
 *  - a member cannot write a cgroup file, create or remove a cgroup,
 *    outside its context's cgroup subtree, nor write its context's own
 *    cgroup files other than cgroup.procs, cgroup.threads and
 *    cgroup.subtree_control (EPERM: no raising its own limits), nor move
 *    a process that is not in its subtree (ESRCH); a member of a context
 *    with no cgroup writes no cgroup file at all;
 *  - clone3(CLONE_INTO_CGROUP) is refused to members (EPERM).
 */
#define VCTX_CGROUP_CLEAR	(1U << 0)	/* unbind: fd must be -1 */
#define VCTX_CGROUP_SET_FLAGS	(VCTX_CGROUP_CLEAR)

/*
 * VCTX_IOC_CGROUP_SET: binds a context to the cgroup v2 directory open at
 * fd (or, CLEAR, unbinds it). The cgroup must lie within the cgroup its
 * parent context is in (EINVAL), every member of the context's subtree
 * must be in the new cgroup's subtree already, and every bound descendant
 * context's cgroup too (EBUSY). The root context is never bound (EPERM).
 * Needs CAP_SYS_ADMIN; EPERM from inside a sealed context.
 */
struct vctx_cgroup_set {
	__u32 size;
	__u32 flags;		/* VCTX_CGROUP_* */
	struct vctx_str path;
	__s32 fd;		/* an open cgroup v2 directory; -1 with CLEAR */
	__u32 __pad;
};

/*
 * VCTX_IOC_CGROUP_GET: the cgroup a context is in: its own or that of its
 * nearest bound ancestor (no higher than the caller's own context).
 * ENODATA if none. The path is the cgroup's, relative to the caller's
 * cgroup namespace root ("/vctx/web"), written to path_buf NUL-terminated
 * (ERANGE and path_len as for VCTX_IOC_INFO; path_buf 0: length only).
 * Unprivileged within the caller's subtree.
 */
struct vctx_cgroup_get {
	__u32 size;
	__u32 flags;		/* none defined: must be zero */
	struct vctx_str path;
	__u64 cgroup_id;	/* out: the cgroup's id (the inode number of its directory) */
	__u64 holder;		/* out: id of the context bound to it */
	__u64 path_buf;		/* in: user buffer for the cgroup's path (may be 0) */
	__u32 path_buf_len;	/* in: its size */
	__u32 path_len;		/* out: the path's length without the NUL */
};

#define VCTX_IOC_MAGIC		0xE7

#define VCTX_IOC_VERSION	_IOWR(VCTX_IOC_MAGIC, 0x00, struct vctx_version)
#define VCTX_IOC_CREATE		_IOWR(VCTX_IOC_MAGIC, 0x01, struct vctx_create)
#define VCTX_IOC_DESTROY	_IOW(VCTX_IOC_MAGIC, 0x02, struct vctx_destroy)
#define VCTX_IOC_RENAME		_IOW(VCTX_IOC_MAGIC, 0x03, struct vctx_rename)
#define VCTX_IOC_LIST		_IOWR(VCTX_IOC_MAGIC, 0x04, struct vctx_list)
#define VCTX_IOC_INFO		_IOWR(VCTX_IOC_MAGIC, 0x05, struct vctx_info)
#define VCTX_IOC_ENTER		_IOW(VCTX_IOC_MAGIC, 0x06, struct vctx_enter)
#define VCTX_IOC_PIDS		_IOWR(VCTX_IOC_MAGIC, 0x07, struct vctx_pids)
#define VCTX_IOC_KILL		_IOWR(VCTX_IOC_MAGIC, 0x08, struct vctx_kill)
#define VCTX_IOC_WAIT		_IOWR(VCTX_IOC_MAGIC, 0x09, struct vctx_wait)
#define VCTX_IOC_STAT		_IOWR(VCTX_IOC_MAGIC, 0x0A, struct vctx_stat)
#define VCTX_IOC_SNAPSHOT	_IOWR(VCTX_IOC_MAGIC, 0x0B, struct vctx_snapshot)
#define VCTX_IOC_SET_LIMIT	_IOW(VCTX_IOC_MAGIC, 0x0C, struct vctx_set_limit)
#define VCTX_IOC_CHECKPOINT	_IOWR(VCTX_IOC_MAGIC, 0x0D, struct vctx_checkpoint)
#define VCTX_IOC_SET_FLAGS	_IOWR(VCTX_IOC_MAGIC, 0x10, struct vctx_set_flags)
#define VCTX_IOC_SEAL		_IOWR(VCTX_IOC_MAGIC, 0x11, struct vctx_seal)
#define VCTX_IOC_NS_SET		_IOW(VCTX_IOC_MAGIC, 0x12, struct vctx_ns_set)
#define VCTX_IOC_NS_GET		_IOWR(VCTX_IOC_MAGIC, 0x13, struct vctx_ns_get)
#define VCTX_IOC_NS_OPEN	_IOWR(VCTX_IOC_MAGIC, 0x14, struct vctx_ns_open)
/* Reserved: 0x15..0x1F namespaces, seal and flags. */
#define VCTX_IOC_SET_CAPS	_IOWR(VCTX_IOC_MAGIC, 0x20, struct vctx_set_caps)
/* Reserved: 0x21..0x27 capabilities. */
#define VCTX_IOC_CGROUP_SET	_IOW(VCTX_IOC_MAGIC, 0x30, struct vctx_cgroup_set)
#define VCTX_IOC_CGROUP_GET	_IOWR(VCTX_IOC_MAGIC, 0x31, struct vctx_cgroup_get)
/* Reserved: 0x32..0x37 cgroups. */

#endif /* _UAPI_LINUX_VCTX_H */
