// SPDX-License-Identifier: GPL-2.0
/* mh_panic: fault seed. init calls panic(): the VM dies and the monitor must report KERNEL. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/panic.h>

static int __init mh_panic_init(void)
{
	panic("mh_panic: deliberate panic from module init (modharness fault seed)");
	return 0;
}

module_init(mh_panic_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness fault seed: init calls panic()");
