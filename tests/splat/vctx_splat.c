// SPDX-License-Identifier: GPL-2.0
/*
 * The splat detector's self-test: loading this module prints one WARNING
 * (with its Call Trace) and fails, so a guest run that loads it must end
 * with tools/vm-run's exit 97. A module of our own rather than lkdtm, which
 * Debian's kernel does not have.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init vctx_splat_init(void)
{
	WARN(1, "vctx_splat: deliberate warning (splat detector self-test)\n");
	return -ECANCELED;
}
module_init(vctx_splat_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vctx test: a deliberate WARNING on load");
