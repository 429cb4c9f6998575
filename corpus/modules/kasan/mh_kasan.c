// SPDX-License-Identifier: GPL-2.0
/*
 * mh_kasan: init writes one byte past a 16-byte kmalloc'd buffer, then fails the load with
 * -ENOTRECOVERABLE. On a KASAN kernel (modharness kernel build-fuzz) that is a
 * "KASAN: slab-out-of-bounds Write in mh_kasan_init" report and taint B; on a kernel without
 * KASAN the write lands in slab padding and nothing is reported. For the fault-injection suite.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>

static int __init mh_kasan_init(void)
{
	char *volatile p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p[16] = 1; /* the bug: one past the end */
	kfree(p);
	return -ENOTRECOVERABLE;
}

module_init(mh_kasan_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: slab out-of-bounds write in init (KASAN fault)");
