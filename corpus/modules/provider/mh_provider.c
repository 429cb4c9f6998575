// SPDX-License-Identifier: GPL-2.0
/*
 * mh_provider: the exporting half of a module dependency, for the parts of kernel/module/ that only
 * run when one loaded module resolves symbols against another (find_symbol over module
 * export tables, GPL and namespace checks, ref_module/module_use, per-CPU exports, symbol_get).
 * mh_consumer imports everything here. Init returns 0: it stays loaded in fuzzing VMs.
 */
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/version.h>

#include "mh_provider.h"

int mh_provider_value = 42;
EXPORT_SYMBOL(mh_provider_value);

int mh_provider_add(int a, int b)
{
	return a + b;
}
EXPORT_SYMBOL_GPL(mh_provider_add);

int mh_provider_ns_fn(void)
{
	return 7;
}
/* 6.1 and 6.12 stringify an identifier; 6.13 onwards takes a string literal. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
EXPORT_SYMBOL_NS_GPL(mh_provider_ns_fn, "MH_PROVIDER");
#else
EXPORT_SYMBOL_NS_GPL(mh_provider_ns_fn, MH_PROVIDER);
#endif

/* Only reached through symbol_get(): __symbol_get() accepts GPL-only exports alone. */
void mh_provider_symget(void)
{
	pr_info("mh_provider: symbol_get caller reached mh_provider_symget\n");
}
EXPORT_SYMBOL_GPL(mh_provider_symget);

DEFINE_PER_CPU(int, mh_provider_pcpu) = 5;
EXPORT_PER_CPU_SYMBOL_GPL(mh_provider_pcpu);

/*
 * init_delay_ms keeps the module COMING for a while: a module that imports from it and loads
 * meanwhile waits in resolve_symbol_wait (the fuzzer's race-provider action reloads it so).
 */
static unsigned int init_delay_ms;
module_param(init_delay_ms, uint, 0444);
MODULE_PARM_DESC(init_delay_ms, "sleep this long in init (at most 1000 ms)");

static int __init mh_provider_init(void)
{
	if (init_delay_ms)
		msleep(min(init_delay_ms, 1000u));
	pr_info("mh_provider: loaded\n");
	return 0;
}

static void __exit mh_provider_exit(void)
{
	pr_info("mh_provider: unloaded\n");
}

module_init(mh_provider_init);
module_exit(mh_provider_exit);
MODULE_LICENSE("GPL");
/*
 * Marked in-tree so that loading this environment module does not use up the once-per-boot
 * "out-of-tree module taints kernel" message: the first fuzzed module that earns it runs that
 * loader code under KCOV.
 */
MODULE_INFO(intree, "Y");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: exports plain, GPL-only, namespaced and per-CPU symbols for mh_consumer");
