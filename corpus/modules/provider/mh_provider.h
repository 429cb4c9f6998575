/* SPDX-License-Identifier: GPL-2.0 */
/* mh_provider's exports; consumer/mh_provider.h is a symlink to this file. */
#ifndef MH_PROVIDER_H
#define MH_PROVIDER_H

#include <linux/percpu.h>

extern int mh_provider_value;
int mh_provider_add(int a, int b);
int mh_provider_ns_fn(void);
void mh_provider_symget(void);	/* only for symbol_get() */
DECLARE_PER_CPU(int, mh_provider_pcpu);

#endif
