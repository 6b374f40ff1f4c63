// SPDX-License-Identifier: GPL-2.0
/*
 * vctx C shim: the membership index (rust/model/index.rs), a hash table from a
 * process's group key (its signal_struct) to its context, read under RCU.
 *
 * Invariants (Documentation/design.rst, "The membership index"):
 * - Readers (every hook) look a key up inside an RCU read-side critical
 *   section and take no lock and write nothing shared.
 * - Writers are serialized by the caller (the Rust state lock): the
 *   buckets are changed only with it held.
 * - Each entry owns one reference on its context (an Arc, given by Rust).
 *   An entry taken out of the table (removed, or replaced by a new entry
 *   for the same key) is freed only after an RCU grace period, and its
 *   context reference dropped then, from a work item (process context):
 *   a reader that found the entry may use the context until it leaves its
 *   read-side section.
 * - vctx_index_destroy() empties the table and waits for every pending
 *   free (rcu_barrier(), flush_work()) before freeing the buckets.
 */
#include <linux/hash.h>
#include <linux/llist.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "shim.h"

#define VCTX_INDEX_BITS 12

struct vctx_ientry {
	struct hlist_node node;
	unsigned long key;
	const void *ctx;
	bool exited;
	union {
		struct rcu_head rcu;
		struct llist_node dead;
	};
};

struct vctx_index {
	struct hlist_head buckets[1 << VCTX_INDEX_BITS];
};

/* Entries past their grace period, waiting for their context reference to
 * be dropped in process context. */
static LLIST_HEAD(vctx_index_dead);

static void vctx_index_reap(struct work_struct *w)
{
	struct llist_node *list = llist_del_all(&vctx_index_dead);
	struct vctx_ientry *e, *n;

	llist_for_each_entry_safe(e, n, list, dead) {
		vctx_ctx_put(e->ctx);
		kfree(e);
	}
}

static DECLARE_WORK(vctx_index_work, vctx_index_reap);

static void vctx_index_free_rcu(struct rcu_head *rcu)
{
	struct vctx_ientry *e = container_of(rcu, struct vctx_ientry, rcu);

	llist_add(&e->dead, &vctx_index_dead);
	schedule_work(&vctx_index_work);
}

struct vctx_index *vctx_index_new(void)
{
	struct vctx_index *ix = kvzalloc(sizeof(*ix), GFP_KERNEL);

	if (ix) {
		for (int i = 0; i < ARRAY_SIZE(ix->buckets); i++)
			INIT_HLIST_HEAD(&ix->buckets[i]);
	}
	return ix;
}

static struct hlist_head *vctx_bucket(struct vctx_index *ix, unsigned long key)
{
	return &ix->buckets[hash_long(key, VCTX_INDEX_BITS)];
}

static struct vctx_ientry *vctx_find(struct vctx_index *ix, unsigned long key)
{
	struct vctx_ientry *e;

	hlist_for_each_entry_rcu(e, vctx_bucket(ix, key), node, true)
		if (e->key == key)
			return e;
	return NULL;
}

/* Reader: the context of `key` and whether the entry is of an exited,
 * unreaped process; NULL if none. The caller holds rcu_read_lock() (or
 * the writers' lock) for as long as it uses the result. */
const void *vctx_index_lookup(struct vctx_index *ix, unsigned long key, bool *exited)
{
	struct vctx_ientry *e = vctx_find(ix, key);

	if (!e)
		return NULL;
	*exited = READ_ONCE(e->exited);
	return e->ctx;
}

void *vctx_index_entry_alloc(bool atomic)
{
	return kzalloc(sizeof(struct vctx_ientry), atomic ? GFP_ATOMIC : GFP_KERNEL);
}

void vctx_index_entry_free(void *entry)
{
	kfree(entry);
}

/* Writer (serialized by the caller): maps `key` to `ctx` (a context
 * reference the table takes over) in `entry` (from
 * vctx_index_entry_alloc()), replacing any entry of the key; with a NULL
 * `ctx`, removes the key's entry and `entry` must be NULL. */
void vctx_index_set(struct vctx_index *ix, unsigned long key, const void *ctx,
		    bool exited, void *entry)
{
	struct vctx_ientry *old = vctx_find(ix, key);
	struct vctx_ientry *e = entry;

	if (e) {
		e->key = key;
		e->ctx = ctx;
		e->exited = exited;
		if (old)
			hlist_replace_rcu(&old->node, &e->node);
		else
			hlist_add_head_rcu(&e->node, vctx_bucket(ix, key));
	} else if (old) {
		hlist_del_rcu(&old->node);
	}
	if (old)
		call_rcu(&old->rcu, vctx_index_free_rcu);
}

/* Empties the table and waits until every entry is freed and its context
 * reference dropped. Process context; no reader may start any more. */
void vctx_index_clear(struct vctx_index *ix)
{
	struct vctx_ientry *e;
	struct hlist_node *n;

	for (int i = 0; i < ARRAY_SIZE(ix->buckets); i++) {
		hlist_for_each_entry_safe(e, n, &ix->buckets[i], node) {
			hlist_del_rcu(&e->node);
			call_rcu(&e->rcu, vctx_index_free_rcu);
		}
	}
	vctx_index_barrier();
}

/* Waits until every entry taken out so far is freed (its context
 * reference dropped). Process context. */
void vctx_index_barrier(void)
{
	rcu_barrier();
	flush_work(&vctx_index_work);
}

/* A full memory barrier (rust/lifecycle.rs: enter against the exit hook). */
void vctx_smp_mb(void)
{
	smp_mb();
}

void vctx_index_destroy(struct vctx_index *ix)
{
	if (!ix)
		return;
	vctx_index_clear(ix);
	kvfree(ix);
}
