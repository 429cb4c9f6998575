// SPDX-License-Identifier: GPL-2.0
/*
 * mh_flood: fault seed. init prints `lines` warnings (pr_warn: level 4, so they reach a console
 * at the harness's loglevel=5, unlike pr_info) and returns -ENOTRECOVERABLE, so nothing stays
 * loaded. It floods the serial console, the host's console log and the kmsg ring buffer (which
 * overruns) without being a crash: a harness must still judge the case and carry on.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static unsigned int lines = 20000;
module_param(lines, uint, 0444);
MODULE_PARM_DESC(lines, "how many console lines init prints (default 20000)");

static int __init mh_flood_init(void)
{
	unsigned int i;

	for (i = 0; i < lines; ++i)
		pr_warn("mh_flood: line %u of %u: the quick brown fox jumps over the lazy dog\n", i + 1, lines);
	return -ENOTRECOVERABLE;
}

module_init(mh_flood_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness fault seed: init floods the console, then -ENOTRECOVERABLE");
