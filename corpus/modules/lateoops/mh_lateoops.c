// SPDX-License-Identifier: GPL-2.0
/*
 * mh_lateoops: fault seed for reports printed while no case runs. init queues a delayed work item
 * and returns 0, so the load succeeds; delay_ms later (100 by default) the item stores through a
 * NULL pointer in a kworker: an Oops after the case's result, the kernel tainted D. There is no
 * exit function on purpose: the module cannot be unloaded, so the work item stays valid.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

static int delay_ms = 100;
module_param(delay_ms, int, 0444);
MODULE_PARM_DESC(delay_ms, "milliseconds after init returns before the work item oopses (0..60000)");

static int *volatile mh_lateoops_target;

static void mh_lateoops_work(struct work_struct *work)
{
	*mh_lateoops_target = 0x6d68;
}

static DECLARE_DELAYED_WORK(mh_lateoops_dwork, mh_lateoops_work);

static int __init mh_lateoops_init(void)
{
	int ms = delay_ms < 0 ? 0 : delay_ms > 60000 ? 60000 : delay_ms;

	schedule_delayed_work(&mh_lateoops_dwork, msecs_to_jiffies(ms));
	return 0;
}

module_init(mh_lateoops_init);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness fault seed: a work item oopses after init returned (late report)");
