// SPDX-License-Identifier: GPL-2.0
/*
 * mh_paramoops: loads and unloads cleanly for every value of depth= but one: depth=13 writes
 * through NULL (oops). The crash-pipeline demonstration for modharness fuzz: a campaign seeded
 * with this module must find the value, title the oops, group repeats, minimise the input and
 * reproduce it with modharness repro. The nested comparisons are on purpose: built against a
 * KCOV kernel, each one is a new edge, a gradient a coverage-guided fuzzer can follow.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int depth;
module_param(depth, int, 0444);
MODULE_PARM_DESC(depth, "how deep init goes; one value oopses");

static noinline void mh_paramoops_fault(int d)
{
	int *volatile p = NULL;

	*p = d; /* the bug */
}

static int __init mh_paramoops_init(void)
{
	if (depth > 8) {
		pr_info("mh_paramoops: deeper than 8\n");
		if (depth > 12) {
			pr_info("mh_paramoops: deeper than 12\n");
			if (depth < 14)
				mh_paramoops_fault(depth);
		}
	}
	return 0;
}

static void __exit mh_paramoops_exit(void)
{
}

module_init(mh_paramoops_init);
module_exit(mh_paramoops_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: oopses only for depth=13 (fuzzing crash-pipeline demo)");
