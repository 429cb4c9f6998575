// SPDX-License-Identifier: GPL-2.0
/*
 * mh_warn: fault seed. init triggers a WARNING (taint W) and returns -ENOTRECOVERABLE, so the
 * console shows a warning while nothing stays loaded.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init mh_warn_init(void)
{
	WARN(1, "mh_warn: deliberate warning from module init (modharness fault seed)\n");
	return -ENOTRECOVERABLE;
}

module_init(mh_warn_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness fault seed: WARN in init, then -ENOTRECOVERABLE");
