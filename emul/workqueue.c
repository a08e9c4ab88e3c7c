// SPDX-License-Identifier: GPL-2.0
/*
 * workqueue.c - timers, workqueues and RCU callbacks as events on the host's
 * virtual-time queue.
 *
 * The kernel's semantics that phylib relies on are kept:
 *  - a work item is queued at most once: WORK_STRUCT_PENDING in work->data
 *    is set while it is queued and cleared just before it runs, so the work
 *    may requeue itself (phy_state_machine does);
 *  - a delayed work item is a timer whose expiry queues the work
 *    (delayed_work_timer_fn), and mod_delayed_work() moves a pending one;
 *  - timers expire on tick boundaries; timer_pending() is the kernel's own
 *    inline test of timer->entry.pprev, which is kept accurate;
 *  - cancel_*_sync() from inside the very work item it waits for is the
 *    deadlock it would be in the kernel, and is reported as such.
 * Events due at the same virtual time run in the order they were queued.
 */
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/bitops.h>

#include "emul.h"

struct workqueue_struct {
	const char *name;
};

static struct workqueue_struct emul_system_wq = { "events" };
static struct workqueue_struct emul_power_efficient_wq = { "events_power_efficient" };
static struct workqueue_struct emul_unbound_wq = { "events_unbound" };
static struct workqueue_struct emul_long_wq = { "events_long" };
static struct workqueue_struct emul_highpri_wq = { "events_highpri" };

struct workqueue_struct *system_wq = &emul_system_wq;
struct workqueue_struct *system_power_efficient_wq = &emul_power_efficient_wq;
struct workqueue_struct *system_unbound_wq = &emul_unbound_wq;
struct workqueue_struct *system_long_wq = &emul_long_wq;
struct workqueue_struct *system_highpri_wq = &emul_highpri_wq;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
struct workqueue_struct *system_percpu_wq = &emul_system_wq;
#endif

/* The work item that is running now, to detect a self-cancel (deadlock). */
static struct work_struct *emul_running_work;

/* A non-NULL pprev makes timer_pending() true; it is never dereferenced. */
static struct hlist_node *emul_timer_queued_mark = (struct hlist_node *)&emul_timer_queued_mark;

/* ---- timers ---- */

static void emul_timer_fire(void *key)
{
	struct timer_list *timer = key;

	timer->entry.pprev = NULL;
	timer->function(timer);
}

void init_timer_key(struct timer_list *timer, void (*func)(struct timer_list *),
		    unsigned int flags, const char *name, struct lock_class_key *key)
{
	timer->entry.pprev = NULL;
	timer->entry.next = NULL;
	timer->function = func;
	timer->flags = flags;
	timer->expires = 0;
}

static int emul_timer_arm(struct timer_list *timer, unsigned long expires)
{
	int was_pending = timer_pending(timer);

	timer->expires = expires;
	timer->entry.pprev = &emul_timer_queued_mark;
	emul_host->event_schedule(emul_current.cookie, emul_jiffies_to_ns(emul_timer_tick(expires)),
				  emul_timer_fire, timer);
	return was_pending;
}

int mod_timer(struct timer_list *timer, unsigned long expires)
{
	/* As __mod_timer(): a pending timer given its own expiry stays where it
	 * is (1); a timer without a function (shut down) is not armed (0). */
	if (timer_pending(timer) && timer->expires == expires)
		return 1;
	if (!timer->function)
		return 0;
	return emul_timer_arm(timer, expires);
}

void add_timer(struct timer_list *timer)
{
	/* The kernel warns once and leaves the pending timer as it is. */
	if (WARN_ON_ONCE(timer_pending(timer)))
		return;
	if (!timer->function)
		return;
	emul_timer_arm(timer, timer->expires);
}

int timer_delete(struct timer_list *timer)
{
	int was_pending = timer_pending(timer);

	emul_host->event_cancel(emul_current.cookie, timer);
	timer->entry.pprev = NULL;
	return was_pending;
}

int timer_delete_sync(struct timer_list *timer)
{
	/* A timer callback never runs concurrently here. */
	return timer_delete(timer);
}

int try_to_del_timer_sync(struct timer_list *timer)
{
	return timer_delete(timer);
}

/* ---- work items ---- */

static void emul_work_run(void *key)
{
	struct work_struct *work = key;
	struct work_struct *outer = emul_running_work;

	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work));
	emul_running_work = work;
	work->func(work);
	emul_running_work = outer;
}

/* Queue a work item whose PENDING bit the caller already owns. */
static void emul_work_enqueue(struct work_struct *work)
{
	emul_host->event_schedule(emul_current.cookie, emul_now_ns(), emul_work_run, work);
}

bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work)
{
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		return false;
	emul_work_enqueue(work);
	return true;
}

void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork = from_timer(dwork, t, timer);

	/* The PENDING bit is still set from queue_delayed_work_on(). */
	emul_work_enqueue(&dwork->work);
}

static void emul_queue_delayed(int cpu, struct workqueue_struct *wq,
			       struct delayed_work *dwork, unsigned long delay)
{
	/*
	 * __queue_delayed_work()'s checks: a delayed work never set up with
	 * INIT_DELAYED_WORK() warns here, and add_timer() does not arm its
	 * timer, which has no function, so it never runs.
	 */
	WARN_ON_ONCE(!wq);
	WARN_ON_ONCE(dwork->timer.function != delayed_work_timer_fn);
	WARN_ON_ONCE(timer_pending(&dwork->timer));
	WARN_ON_ONCE(!list_empty(&dwork->work.entry));
	if (!delay) {
		emul_work_enqueue(&dwork->work);
		return;
	}
	dwork->wq = wq;
	dwork->cpu = cpu;
	dwork->timer.expires = jiffies + delay;
	add_timer(&dwork->timer);
}

bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
			   struct delayed_work *dwork, unsigned long delay)
{
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&dwork->work)))
		return false;
	emul_queue_delayed(cpu, wq, dwork, delay);
	return true;
}

/* Take a delayed work off the timer and the queue; returns whether it was
 * pending. The PENDING bit stays as it was. */
static bool emul_grab_delayed(struct delayed_work *dwork)
{
	bool pending = test_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&dwork->work));

	timer_delete(&dwork->timer);
	emul_host->event_cancel(emul_current.cookie, &dwork->work);
	return pending;
}

bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq,
			 struct delayed_work *dwork, unsigned long delay)
{
	bool pending = emul_grab_delayed(dwork);

	set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&dwork->work));
	emul_queue_delayed(cpu, wq, dwork, delay);
	return pending;
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	bool pending = emul_grab_delayed(dwork);

	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&dwork->work));
	return pending;
}

/* An abandoned instance may have stopped inside a work item. */
void emul_workqueue_abandon(void)
{
	emul_running_work = NULL;
}

/* __flush_work()'s check, which every _sync cancel and flush reaches: a
 * work never set up warns (the cancel itself still happens). */
static bool emul_flushable(struct work_struct *work)
{
	return !WARN_ON(!work->func);
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	emul_flushable(&dwork->work);
	if (emul_running_work == &dwork->work)
		emul_fatal("cancel_delayed_work_sync() called from the work item it waits for: deadlock");
	return cancel_delayed_work(dwork);
}

bool cancel_work_sync(struct work_struct *work)
{
	bool pending = test_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work));

	emul_flushable(work);
	if (emul_running_work == work)
		emul_fatal("cancel_work_sync() called from the work item it waits for: deadlock");
	emul_host->event_cancel(emul_current.cookie, work);
	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work));
	return pending;
}

bool flush_work(struct work_struct *work)
{
	if (!emul_flushable(work))
		return false;
	if (emul_running_work == work)
		emul_fatal("flush_work() called from the work item it waits for: deadlock");
	if (!emul_host->event_cancel(emul_current.cookie, work))
		return false;
	emul_work_run(work);
	return true;
}

bool flush_delayed_work(struct delayed_work *dwork)
{
	if (timer_delete(&dwork->timer))
		emul_work_enqueue(&dwork->work);
	return flush_work(&dwork->work);
}

/* ---- RCU: there are no concurrent readers, so a grace period is simply
 * "after the current code returns to the scheduler". ---- */

static void emul_rcu_run(void *key)
{
	struct rcu_head *head = key;

	head->func(head);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	emul_host->event_schedule(emul_current.cookie, emul_now_ns(), emul_rcu_run, head);
}

void synchronize_rcu(void)
{
}
