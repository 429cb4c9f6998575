// SPDX-License-Identifier: GPL-2.0
/*
 * mh_hang: fault seed. init never returns on its own, so the per-case timeout must fire.
 * By default it sleeps interruptibly and gives up with -EINTR once the loading task gets a fatal
 * signal, so an executor can kill the stuck child and carry on. killable=0 sleeps uninterruptibly
 * forever instead (the task stays in D state: the hung-task detector's case).
 */
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>

static bool killable = true;
module_param(killable, bool, 0444);
MODULE_PARM_DESC(killable, "return -EINTR on a fatal signal (default) instead of sleeping forever");

static int __init mh_hang_init(void)
{
	pr_info("mh_hang: init sleeping forever (killable=%d)\n", killable);
	for (;;) {
		if (killable) {
			msleep_interruptible(100);
			if (fatal_signal_pending(current))
				return -EINTR;
		} else {
			msleep(1000);
		}
	}
}

module_init(mh_hang_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness fault seed: init never returns");
