// SPDX-License-Identifier: GPL-2.0
/* mh_ok: the plain valid module. init returns 0 and it has an exit, so it loads and unloads. */
#include <linux/init.h>
#include <linux/module.h>

static int __init mh_ok_init(void)
{
	pr_info("mh_ok: loaded\n");
	return 0;
}

static void __exit mh_ok_exit(void)
{
	pr_info("mh_ok: unloaded\n");
}

module_init(mh_ok_init);
module_exit(mh_ok_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: valid module, init returns 0");
