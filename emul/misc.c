// SPDX-License-Identifier: GPL-2.0
/*
 * misc.c - the execution context (`current`, preempt count), randomness and
 * the few services phylib touches without needing them to do anything.
 *
 * There is one task, refdrv's, running in process context with preemption
 * enabled.  Randomness is a fixed-seed generator: the same run gives the
 * same bytes, as determinism requires.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/random.h>
#include <linux/notifier.h>
#include <linux/bottom_half.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <asm/current.h>
#include <asm/preempt.h>

#include "emul.h"

static struct task_struct emul_task = {
	.comm = "refdrv",
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
DEFINE_PER_CPU_ALIGNED(struct pcpu_hot, pcpu_hot) = {
	.current_task = &emul_task,
	.preempt_count = PREEMPT_ENABLED,
};
#else
DEFINE_PER_CPU(struct task_struct *, current_task) = &emul_task;
DEFINE_PER_CPU(int, __preempt_count) = PREEMPT_ENABLED;
#endif

/* ---- bottom halves: nothing runs in softirq context here ---- */

void __local_bh_enable_ip(unsigned long ip, unsigned int cnt)
{
	__preempt_count_sub(cnt);
}

/* ---- randomness (xorshift64*, fixed seed) ---- */

static u64 emul_rng_state = 0x9e3779b97f4a7c15ULL;

static u64 emul_rng_next(void)
{
	u64 x = emul_rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	emul_rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		u64 r = emul_rng_next();
		size_t n = min_t(size_t, len, sizeof(r));

		memcpy(p, &r, n);
		p += n;
		len -= n;
	}
}

u32 get_random_u32(void)
{
	return (u32)emul_rng_next();
}

u64 get_random_u64(void)
{
	return emul_rng_next();
}

bool rng_is_initialized(void)
{
	return true;
}

int execute_with_initialized_rng(struct notifier_block *nb)
{
	nb->notifier_call(nb, 0, NULL);
	return 0;
}

/* ---- net core hooks phylib calls at init ---- */

void ethtool_set_ethtool_phy_ops(const struct ethtool_phy_ops *ops)
{
	/* No ethtool netlink here: the operations are driven by the host. */
}

void do_trace_netlink_extack(const char *msg)
{
}

/* ---- context recovery after a fatal stop ---- */

void emul_context_abandon(void)
{
	/* A stop inside schedule_timeout() leaves the task sleeping. */
	emul_task.__state = TASK_RUNNING;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	pcpu_hot.preempt_count = PREEMPT_ENABLED;
#else
	__preempt_count = PREEMPT_ENABLED;
#endif
}

/* ---- tables lib/vsprintf.c prints %pGp/%pGv/%pGg flags with; mm/ would
 * provide them. No page, VMA or GFP flags are printed by phylib, so they
 * hold only their terminator. ---- */

#include <linux/tracepoint-defs.h>

const struct trace_print_flags pageflag_names[] = { { 0, NULL } };
const struct trace_print_flags vmaflag_names[] = { { 0, NULL } };
const struct trace_print_flags gfpflag_names[] = { { 0, NULL } };
