// SPDX-License-Identifier: GPL-2.0
/*
 * mh_oops: fault seed. init stores through a NULL pointer: "BUG: kernel NULL pointer
 * dereference" + Oops; the loading task dies and the kernel is tainted D. The pointer is volatile
 * so the compiler emits a real store instead of a trap for provable UB.
 */
#include <linux/init.h>
#include <linux/module.h>

static int *volatile mh_oops_target;

static int __init mh_oops_init(void)
{
	*mh_oops_target = 0x6d68;
	return -ENOTRECOVERABLE;
}

module_init(mh_oops_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness fault seed: NULL write in init (oops)");
