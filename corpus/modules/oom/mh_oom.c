// SPDX-License-Identifier: GPL-2.0
/*
 * mh_oom: fault seed. init allocates 32 KiB chunks with GFP_KERNEL and keeps every one until the
 * allocator gives up: the guest runs out of memory and the OOM killer runs ("invoked oom-killer",
 * "Out of memory: Killed process"). The only killable task is the loading one (the executor is
 * PID 1), so it is chosen; as an OOM victim its next allocation fails, init frees everything and
 * returns -ENOMEM, and the task dies of the SIGKILL on its way out. Order 3 is the largest order
 * for which GFP_KERNEL still invokes the OOM killer, and it needs 8x fewer allocations than
 * single pages, which matters under TCG. __GFP_NOWARN: the failure is the point, not news.
 */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>

#define MH_OOM_ORDER 3

static int __init mh_oom_init(void)
{
	LIST_HEAD(chunks);
	struct page *page, *tmp;
	unsigned long n = 0;

	for (;;) {
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MH_OOM_ORDER);
		if (!page)
			break;
		list_add(&page->lru, &chunks);
		++n;
	}
	list_for_each_entry_safe(page, tmp, &chunks, lru) {
		list_del(&page->lru);
		__free_pages(page, MH_OOM_ORDER);
	}
	pr_warn("mh_oom: allocation failed after %lu KiB, all freed\n", n << (PAGE_SHIFT + MH_OOM_ORDER - 10));
	return -ENOMEM;
}

module_init(mh_oom_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness fault seed: init exhausts guest memory (OOM killer), then -ENOMEM");
