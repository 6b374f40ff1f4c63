/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thread walks of the shim. The kernel's __for_each_thread() (under
 * for_each_thread, for_each_process_thread, do_each_pid_thread) names
 * tasklist_lock in its lockdep condition, and tasklist_lock is not exported:
 * with CONFIG_PROVE_RCU_LIST (the debug kernel) a module using it does not
 * link. Every walk in the shim runs under rcu_read_lock() (the thread lists
 * are RCU lists), so the plain RCU-reader check is the right one. Without
 * PROVE_RCU_LIST the condition is not compiled at all: the code is the same.
 * Include after <linux/sched/signal.h>.
 */
#ifndef VCTX_SHIM_THREADS_H
#define VCTX_SHIM_THREADS_H

#include <linux/rculist.h>
#include <linux/sched/signal.h>

#undef __for_each_thread
#define __for_each_thread(signal, t) \
	list_for_each_entry_rcu(t, &(signal)->thread_head, thread_node)

#endif /* VCTX_SHIM_THREADS_H */
