// SPDX-License-Identifier: GPL-2.0
/*
 * mh_consumer: the importing half of a module dependency (load provider/mh_provider.ko first).
 * Its relocations resolve against mh_provider's plain, GPL-only, namespaced and per-CPU exports
 * (resolve_symbol, verify_namespace_is_imported, ref_module), it has a per-CPU section of its own
 * (percpu_modalloc), and init calls the module API: symbol_get/symbol_put/symbol_put_addr, module
 * reference counting, request_module (kmod.c), faulting reads that are fixed up through this
 * module's exception table (search_module_extables) and %pS lookups (module kallsyms).
 * __module_address()/__module_text_address() are not exported (6.1, 6.12): symbol_put_addr()
 * calls the latter for us.
 */
#include <linux/init.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_X86
#include <asm/msr.h>
#endif

#include "mh_provider.h"

MODULE_IMPORT_NS(MH_PROVIDER);

static DEFINE_PER_CPU(int, mh_consumer_pcpu);

/* hold=1 keeps a reference: delete_module then refuses (EWOULDBLOCK) unless forced (O_TRUNC). */
static int hold;
module_param(hold, int, 0444);
MODULE_PARM_DESC(hold, "keep one reference to this module, so only a forced unload removes it");

/*
 * nap_ms=N sleeps in init itself (schedule_timeout is a scheduler function, so the loading task's
 * /proc/<pid>/wchan names mh_consumer_init: a module address, looked up by
 * lookup_module_symbol_name). The fuzzer's concurrent action reads the loader's wchan meanwhile.
 */
static unsigned int nap_ms;
module_param(nap_ms, uint, 0444);
MODULE_PARM_DESC(nap_ms, "sleep this long in init (at most 1000 ms)");

#define MH_ABSENT_MSR 0x12345678u

/*
 * Reads the unmapped guard page after a vmalloc area: the #PF is fixed up from this module's
 * __ex_table entry (the access is inlined here). Unlike the MSR read below it faults under TCG
 * too (QEMU's TCG returns 0 for unknown MSRs instead of raising #GP). Returns 1 if it faulted.
 */
static int __init mh_consumer_guard_read(void)
{
	char *area = vmalloc(PAGE_SIZE);
	unsigned long v = 0;
	int faulted = 0;

	if (!area)
		return -ENOMEM;
	pagefault_disable();
	__get_kernel_nofault(&v, area + PAGE_SIZE, unsigned long, fault);
	goto out;
fault:
	faulted = 1;
out:
	pagefault_enable();
	vfree(area);
	return faulted;
}

static int __init mh_consumer_init(void)
{
	void (*symget)(void);
	int (*add)(int, int);
	int sum, ns, pcpu, own, gotten = 0, tried = 0, put_addr = 0, req, guard, msr_err = 0;
	unsigned int refs;

	sum = mh_provider_add(mh_provider_value, 1);
	ns = mh_provider_ns_fn();
	pcpu = this_cpu_read(mh_provider_pcpu);
	this_cpu_write(mh_consumer_pcpu, pcpu + 1);
	own = this_cpu_read(mh_consumer_pcpu);

	/* __symbol_get takes a reference on mh_provider (recent kernels accept GPL-only exports alone). */
	symget = symbol_get(mh_provider_symget);
	if (symget) {
		symget();
		symbol_put(mh_provider_symget);
		gotten = 1;
	}
	/* A plain (non-GPL) export: 6.12's __symbol_get refuses it with a warning, 6.1 hands it out. */
	if (__symbol_get("mh_provider_value"))
		__symbol_put("mh_provider_value");
	/* symbol_put_addr drops the reference by address: __module_text_address() finds the owner. */
	add = symbol_get(mh_provider_add);
	if (add) {
		put_addr = add(2, 3);
		symbol_put_addr((void *)add);
	}

	__module_get(THIS_MODULE);
	module_put(THIS_MODULE);
	if (try_module_get(THIS_MODULE)) {
		tried = 1;
		module_put(THIS_MODULE);
	}
	if (hold)
		__module_get(THIS_MODULE);
	if (nap_ms)
		schedule_timeout_uninterruptible(msecs_to_jiffies(min(nap_ms, 1000u)));
	refs = module_refcount(THIS_MODULE);

	/*
	 * _nowait: the caller waits only for the exec of modprobe (UMH_WAIT_EXEC), never for modprobe
	 * to finish, and does not wait on an identical request already in flight (6.12's duplicate
	 * tracking), so a fuzzing VM whose modprobe misbehaves cannot stall this init. Without
	 * /sbin/modprobe the exec fails at once; kmod.c's caller-side code runs either way.
	 */
	req = request_module_nowait("mh-absent-module-%d", 1);

	guard = mh_consumer_guard_read();
#ifdef CONFIG_X86
	/*
	 * native_read_msr_safe(), not rdmsr_safe(): with CONFIG_PARAVIRT_XXL (Debian) the latter
	 * faults inside the core kernel, whose own extable handles it. The inline rdmsr puts the
	 * fixup entry in this module's __ex_table, so the #GP is resolved by search_module_extables()
	 * (on KVM and hardware; TCG does not fault, msr_err stays 0).
	 */
	(void)native_read_msr_safe(MH_ABSENT_MSR, &msr_err);
#endif

	pr_info("mh_consumer: value=%d add=%d ns=%d pcpu=%d own_pcpu=%d symbol_get=%d put_addr=%d try_get=%d refs=%u request_module=%d guard_fault=%d msr_err=%d init=%pS add=%pS\n",
		mh_provider_value, sum, ns, pcpu, own, gotten, put_addr, tried, refs, req, guard, msr_err,
		mh_consumer_init, mh_provider_add);
	return 0;
}

static void __exit mh_consumer_exit(void)
{
	pr_info("mh_consumer: unloaded\n");
}

module_init(mh_consumer_init);
module_exit(mh_consumer_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("modharness");
MODULE_DESCRIPTION("modharness seed: imports from mh_provider (plain, GPL, namespaced, per-CPU) and calls the module API in init");
