// SPDX-License-Identifier: GPL-2.0
/*
 * time.c - virtual time: jiffies, ktime, sleeps and delays.
 *
 * Real time is never read.  The host owns one virtual clock per instance;
 * ktime_get() reads it and jiffies follow it (starting at INITIAL_JIFFIES, as
 * the kernel does, so wrap-around arithmetic is exercised).  A sleep lets the
 * clock run: the hardware model sees the time pass.
 *
 * Timers run on the tick the kernel's timer wheel runs them (emul_timer_tick):
 * never early, so later than their expiry, by up to the granularity of the
 * wheel level their delay falls in (phylib's one-second poll, 250 jiffies at
 * HZ=250, on the next multiple of 8 jiffies after it: every 1.024 s).
 *
 * How long each primitive sleeps, deterministically:
 *  - msleep(m), schedule_timeout(t): a timer of msecs_to_jiffies(m) jiffies
 *    (6.1: one more), or t, from the current tick, run as above; a
 *    schedule_timeout() of a task left TASK_RUNNING does not sleep.
 *  - usleep_range(min, max): an hrtimer with slack; refdrv wakes at `max`,
 *    where an idle system's coalesced hrtimer typically fires.
 *  - udelay/ndelay: a busy wait of exactly that long.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/sched.h>
#include <linux/version.h>

#include "emul.h"

unsigned long volatile __cacheline_aligned_in_smp __jiffy_arch_data jiffies = INITIAL_JIFFIES;
u64 __cacheline_aligned_in_smp jiffies_64 = INITIAL_JIFFIES;

unsigned long long emul_now_ns(void)
{
	return emul_host->now_ns(emul_current.cookie);
}

void emul_sync_clock(void)
{
	u64 ticks = emul_now_ns() / TICK_NSEC;

	jiffies_64 = (u64)INITIAL_JIFFIES + ticks;
	jiffies = (unsigned long)jiffies_64;
}

/* The virtual time at which jiffies reaches `j` (now if it already has). */
unsigned long long emul_jiffies_to_ns(unsigned long j)
{
	long delta = (long)(j - jiffies);

	if (delta <= 0)
		return emul_now_ns();
	/* Ticks happen on multiples of TICK_NSEC since the clock started. */
	return ((u64)(jiffies_64 - (u64)INITIAL_JIFFIES) + (u64)delta) * TICK_NSEC;
}

/*
 * The tick on which the timer wheel (kernel/time/timer.c, calc_wheel_index)
 * runs a timer armed now for `expires`.  The wheel's levels hold ever longer
 * delays at ever coarser granularity: level n (from 0) takes delays below
 * 63 * 8^n jiffies and keeps them in buckets of 8^n jiffies, and a timer is
 * put in the bucket after the one its expiry falls in, so it never runs
 * early: on the first multiple of 8^n after `expires`.  An expiry already
 * past goes to the base clock's bucket, which the next tick's softirq runs
 * (as an expiry of now does: a timer never runs in the tick it was armed
 * in); one beyond the last level's reach is cut to it.
 * The base clock is taken as the current tick (forwarded when the timer is
 * armed, as an idle CPU's is).
 */
unsigned long emul_timer_tick(unsigned long expires)
{
	const unsigned int depth = HZ > 100 ? 9 : 8;  /* the wheel's levels */
	unsigned long clk = jiffies, delta = expires - clk;
	unsigned int lvl, shift;

	if ((long)delta < 0)
		return clk + 1;  /* the bucket of the base's clock: the next tick */
	for (lvl = 0; lvl < depth - 1; lvl++)
		if (delta < (63UL << (3 * lvl)))
			break;
	shift = 3 * lvl;
	if (lvl == depth - 1 && delta >= (63UL << (3 * depth - 3)))
		/* the wheel's capacity: its reach less one bucket of the last level */
		expires = clk + (63UL << (3 * depth - 3)) - (1UL << shift);
	return ((expires >> shift) + 1) << shift;
}

static void emul_sleep_ns(u64 ns)
{
	emul_store_flush();  /* a state stored before the sleep has the time it was stored at */
	emul_host->sleep_ns(emul_current.cookie, ns);
	emul_sync_clock();
}

static void emul_sleep_until_jiffies(unsigned long j)
{
	u64 target = emul_jiffies_to_ns(j), now = emul_now_ns();

	if (target > now)
		emul_sleep_ns(target - now);
}

ktime_t ktime_get(void)
{
	return (ktime_t)emul_now_ns();
}

ktime_t ktime_get_raw(void)
{
	return (ktime_t)emul_now_ns();
}

ktime_t ktime_get_with_offset(enum tk_offsets offs)
{
	return (ktime_t)emul_now_ns();
}

u64 ktime_get_mono_fast_ns(void)
{
	return emul_now_ns();
}

void msleep(unsigned int msecs)
{
	unsigned long timeout = msecs_to_jiffies(msecs);

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	timeout += 1;  /* the 6.1 tree's msleep asks for one jiffy more (6.12's does not) */
#endif
	if (timeout)  /* 6.12's msleep(0) returns at once */
		schedule_timeout_uninterruptible(timeout);
}

unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}

void usleep_range_state(unsigned long min, unsigned long max, unsigned int state)
{
	emul_sleep_ns((u64)max * NSEC_PER_USEC);
}

void __udelay(unsigned long usecs)
{
	emul_sleep_ns((u64)usecs * NSEC_PER_USEC);
}

void __ndelay(unsigned long nsecs)
{
	emul_sleep_ns(nsecs);
}

/* udelay(constant) passes usecs * 2^32 / 10^6 (rounded up: 0x10c7). */
void __const_udelay(unsigned long xloops)
{
	emul_sleep_ns(((u64)xloops * NSEC_PER_SEC) >> 32);
}

void __delay(unsigned long loops)
{
	/* Calibrated as one loop per nanosecond. */
	emul_sleep_ns(loops);
}

/*
 * As kernel/time/timer.c's (6.12): the caller sets its task state first
 * (set_current_state(TASK_UNINTERRUPTIBLE), or a _uninterruptible variant
 * does). A task still TASK_RUNNING is not taken off the run queue:
 * schedule() returns at once and so does this, with the whole timeout left,
 * having slept no time (the classic bug of a driver that forgot the state:
 * its wait takes nothing on a kernel, so it must here too). After a sleep
 * the timer's wake-up leaves the task running again.
 */
signed long schedule_timeout(signed long timeout)
{
	if (timeout < 0 && timeout != MAX_SCHEDULE_TIMEOUT) {
		/* As the kernel: said, and no sleep (its stack dump left out). */
		pr_err("%s: wrong timeout value %lx\n", __func__, timeout);
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	if (READ_ONCE(current->__state) == TASK_RUNNING)
		return timeout;
	if (timeout == MAX_SCHEDULE_TIMEOUT)
		emul_fatal("schedule_timeout(MAX_SCHEDULE_TIMEOUT): nothing can wake this single-threaded context");
	emul_sleep_until_jiffies(emul_timer_tick(jiffies + timeout));
	__set_current_state(TASK_RUNNING);
	return 0;
}

signed long schedule_timeout_uninterruptible(signed long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

unsigned long __msecs_to_jiffies(const unsigned int m)
{
	if ((int)m < 0)
		return MAX_JIFFY_OFFSET;
	return _msecs_to_jiffies(m);
}

unsigned long __usecs_to_jiffies(const unsigned int u)
{
	if (u > jiffies_to_usecs(MAX_JIFFY_OFFSET))
		return MAX_JIFFY_OFFSET;
	return _usecs_to_jiffies(u);
}

/*
 * As kernel/time/time.c computes them: where HZ divides a second's
 * milliseconds (microseconds), a product truncated to unsigned int, which
 * wraps as the kernel's does for large j (so jiffies_to_usecs() of
 * MAX_JIFFY_OFFSET, __usecs_to_jiffies()'s limit above, is the kernel's).
 */
unsigned int jiffies_to_msecs(const unsigned long j)
{
#if HZ <= MSEC_PER_SEC && !(MSEC_PER_SEC % HZ)
	return (MSEC_PER_SEC / HZ) * j;
#elif HZ > MSEC_PER_SEC && !(HZ % MSEC_PER_SEC)
	return (j + (HZ / MSEC_PER_SEC) - 1) / (HZ / MSEC_PER_SEC);
#else
	return (unsigned int)(((u64)j * MSEC_PER_SEC) / HZ);
#endif
}

unsigned int jiffies_to_usecs(const unsigned long j)
{
#if !(USEC_PER_SEC % HZ)
	return (USEC_PER_SEC / HZ) * j;
#else
	return (unsigned int)(((u64)j * USEC_PER_SEC) / HZ);
#endif
}
