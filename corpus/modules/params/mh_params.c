// SPDX-License-Identifier: GPL-2.0
/*
 * mh_params: one parameter of each common kind, for the parameter-string cases of
 * init_module(2)/finit_module(2). ret= picks init's return value (0 by default), so a case can
 * both exercise parse_args() and leave nothing loaded (ret=-131, -ENOTRECOVERABLE).
 */
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int ival;
module_param(ival, int, 0444);
MODULE_PARM_DESC(ival, "an int");

static char *sval = "default";
module_param(sval, charp, 0444);
MODULE_PARM_DESC(sval, "a string (charp)");

static bool bval;
module_param(bval, bool, 0444);
MODULE_PARM_DESC(bval, "a bool");

static int ret;
module_param(ret, int, 0444);
MODULE_PARM_DESC(ret, "value init returns (0: stay loaded; negative errno: fail the load)");

static int delay_ms;
module_param(delay_ms, int, 0444);
MODULE_PARM_DESC(delay_ms, "milliseconds init sleeps first (0..10000), to widen races between concurrent loads");

static int __init mh_params_init(void)
{
	if (delay_ms > 0)
		msleep(delay_ms > 10000 ? 10000 : delay_ms);
	pr_info("mh_params: ival=%d sval=%s bval=%d ret=%d\n", ival, sval ? sval : "(null)", bval, ret);
	/* A positive value is passed through on purpose: the kernel's handling of it is a case too. */
	return ret;
}

static void __exit mh_params_exit(void)
{
	pr_info("mh_params: unloaded\n");
}

module_init(mh_params_init);
module_exit(mh_params_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: int/charp/bool parameters, ret= chooses init's return");
