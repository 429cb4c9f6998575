// SPDX-License-Identifier: GPL-2.0
/*
 * mh_big: init touches its payload (so the bytes are really there after the copy into module
 * memory) and returns 0; it has an exit. Used for load-latency benchmarks over image size.
 */
#include <linux/init.h>
#include <linux/module.h>

#ifndef MH_BIG_NAME
#define MH_BIG_NAME "mh_big"
#endif

extern const unsigned char mh_big_blob[];
extern const unsigned char mh_big_blob_end[];

static int __init mh_big_init(void)
{
	size_t size = (size_t)(mh_big_blob_end - mh_big_blob);
	unsigned int sum = 0;
	size_t i;

	/* One byte per page: cheap, yet it faults in every page of the payload. */
	for (i = 0; i < size; i += 4096)
		sum += mh_big_blob[i];
	pr_info("%s: %zu payload bytes, page checksum %u\n", MH_BIG_NAME, size, sum);
	return 0;
}

static void __exit mh_big_exit(void)
{
	pr_info("%s: unloaded\n", MH_BIG_NAME);
}

module_init(mh_big_init);
module_exit(mh_big_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: large module, payload size chosen at build time");
