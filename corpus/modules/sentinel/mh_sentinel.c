// SPDX-License-Identifier: GPL-2.0
/*
 * mh_sentinel: init returns -ENOTRECOVERABLE, an errno no loader path produces. A load that
 * fails with it got through every check of load_module() and ran init; since init failed, the
 * kernel frees the module again and the next case starts from a clean state.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init mh_sentinel_init(void)
{
	return -ENOTRECOVERABLE;
}

module_init(mh_sentinel_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: init returns -ENOTRECOVERABLE (all loader checks passed)");
