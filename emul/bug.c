// SPDX-License-Identifier: GPL-2.0
/*
 * bug.c - WARN and BUG as x86 has them. A WARN_ON() or BUG() is a ud2 with a
 * __bug_table entry (address, file, line, flags); the trap is taken by the
 * host (host/kernel_gate.cpp), which asks emul_report_bug() here what the
 * address is. That runs the tree's own lib/bug.c (report_bug(): the table
 * lookup, WARN_ON_ONCE's once flag, "cut here", "kernel BUG at"), with the
 * pieces of kernel/panic.c and the x86 trap code it needs written here:
 * is_valid_bugaddr(), __warn(), __warn_printk(), add_taint().
 *
 * A WARN prints what the kernel prints (the WARNING line with file:line and
 * the function, the modules and taint lines, the end marker), becomes a
 * REFDRV_TR_WARN event, taints the image, and execution resumes after the
 * ud2. A BUG prints "kernel BUG at file:line!" and stops the instance.
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/version.h>
#include <linux/workqueue.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/mutex.h>

#include "emul.h"

static unsigned long emul_tainted_mask;

int is_valid_bugaddr(unsigned long addr)
{
	const u8 *insn = (const u8 *)addr;

	/* ud2 (0f 0b): the instruction x86's BUG() and WARN() emit. */
	return insn[0] == 0x0f && insn[1] == 0x0b;
}

/*
 * What kernel/panic.c hands __warn() for a WARN with a message and no trap
 * (warn_slowpath_fmt(); x86's WARN() traps instead, so this stays unused
 * unless a tree routes a message here): the format and its arguments.
 */
struct warn_args {
	const char *fmt;
	va_list args;
};

/*
 * panic(): what kernel/panic.c prints first ("Kernel panic - not syncing:"
 * and the message), then the instance stops with it; the kernel would halt
 * (or reboot after panic_timeout) with the machine.
 */
void panic(const char *fmt, ...)
{
	static char msg[256];
	va_list args;

	va_start(args, fmt);
	vscnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	pr_emerg("Kernel panic - not syncing: %s\n", msg);
	emul_fatal("Kernel panic - not syncing: %s", msg);
}

void add_taint(unsigned flag, enum lockdep_ok lockdep_ok)
{
	emul_tainted_mask |= 1UL << flag;
}

/* print_tainted(): "Tainted: G        W  " once a WARN happened. */
static const char *emul_taint_text(void)
{
	return emul_tainted_mask & (1UL << TAINT_WARN) ? "Tainted: G        W" : "Not tainted";
}

void __warn_printk(const char *fmt, ...)
{
	va_list args;

	pr_warn(CUT_HERE);
	va_start(args, fmt);
	vprintk(fmt, args);
	va_end(args);
}

void __warn(const char *file, int line, void *caller, unsigned taint, struct pt_regs *regs,
	    struct warn_args *args)
{
	static char where[192];

	if (file)
		pr_warn("WARNING: CPU: 0 PID: 0 at %s:%d %pS\n", file, line, caller);
	else
		pr_warn("WARNING: CPU: 0 PID: 0 at %pS\n", caller);
	if (args)
		vprintk(args->fmt, args->args);
	pr_warn("Modules linked in:\n");  /* every module is built in */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	pr_warn("CPU: 0 UID: 0 PID: 0 Comm: refdrv %s\n", emul_taint_text());
#else
	pr_warn("CPU: 0 PID: 0 Comm: refdrv %s\n", emul_taint_text());  /* 6.1's dump_stack has no UID */
#endif
	pr_warn("---[ end trace 0000000000000000 ]---\n");
	/* After the report, as the kernel taints: the first WARN says "Not tainted". */
	add_taint(taint, LOCKDEP_STILL_OK);
	if (file)
		snprintf(where, sizeof(where), "%s:%d", file, line);
	else
		snprintf(where, sizeof(where), "%pS", caller);
	emul_trace(REFDRV_TR_WARN, -1, "WARNING", where, taint);
}

/*
 * The trap at `pc`: 1 a WARN (printed; resume after the ud2), 2 a BUG
 * (printed; `what` says where), 0 not a bug site (a plain ud2).
 */
int emul_report_bug(unsigned long pc, char *what, unsigned long size)
{
	const struct bug_entry *bug = find_bug(pc);
	const char *file = NULL;
	unsigned int line = 0;

	switch (report_bug(pc, NULL)) {
	case BUG_TRAP_TYPE_WARN:
		return 1;
	case BUG_TRAP_TYPE_BUG:
		if (bug)
			bug_get_file_line((struct bug_entry *)bug, &file, &line);
		if (file)
			snprintf(what, size, "kernel BUG at %s:%u!", file, line);
		else
			snprintf(what, size, "kernel BUG at %pS", (void *)pc);
		return 2;
	default:
		return 0;
	}
}

/* The DO_ONCE_LITE() flags (emul/once.lds). */
extern char __start_once[], __end_once[];

/*
 * Each instance starts as a fresh boot: WARN_ON_ONCE(), WARN_ONCE() and the
 * pr_*_once() printks warn once per instance (the kernel's "clear_warn_once"
 * clears the same two sets of flags) and the taint starts clean, so no run
 * depends on the ones before.
 */
void emul_bug_new_boot(void)
{
	generic_bug_clear_once();
	memset(__start_once, 0, __end_once - __start_once);
	emul_tainted_mask = 0;
}

/*
 * REFDRV_OP_SELFTEST_TRAP: each trap path, reached by code compiled here
 * with the kernel's flags (the tests check what each becomes).
 */
static noinline void emul_selftest_warn_once(void)
{
	WARN_ON_ONCE(1);
}

static noinline void emul_selftest_warn_once_lite(void)
{
	WARN_ONCE(1, "refdrv selftest: WARN_ONCE\n");
}

static struct timer_list emul_selftest_timer;
static unsigned long emul_selftest_armed_at;

static void emul_selftest_timer_fn(struct timer_list *t)
{
	pr_info("refdrv selftest: timer armed at jiffy %lu ran at %lu\n", emul_selftest_armed_at, jiffies);
}

static struct device emul_selftest_device;
static void *emul_selftest_block;

static void emul_selftest_release_a(void *data)
{
	pr_info("refdrv selftest: devres release A\n");
}

static void emul_selftest_release_b(void *data)
{
	pr_info("refdrv selftest: devres release B\n");
	devm_kfree(&emul_selftest_device, emul_selftest_block);
}

static int emul_selftest_devres(void)
{
	struct device *dev = &emul_selftest_device;

	memset(dev, 0, sizeof(*dev));
	INIT_LIST_HEAD(&dev->devres_head);
	emul_selftest_block = devm_kmalloc(dev, 16, GFP_KERNEL);
	if (!emul_selftest_block || devm_add_action(dev, emul_selftest_release_a, NULL) ||
	    devm_add_action(dev, emul_selftest_release_b, NULL))
		return -ENOMEM;
	devres_release_all(dev);
	return 0;
}

static struct mutex emul_selftest_mutex;
static struct work_struct emul_selftest_work;
static struct delayed_work emul_selftest_dwork;
static unsigned long emul_selftest_queued_at;
static bool emul_selftest_again, emul_selftest_mod;

static void emul_selftest_cancel_self(struct work_struct *work)
{
	cancel_work_sync(work);
}

static void emul_selftest_dwork_fn(struct work_struct *work)
{
	pr_info("refdrv selftest: delayed work queued at jiffy %lu ran at %lu (queue again: %d, mod: %d)\n",
		emul_selftest_queued_at, jiffies, emul_selftest_again, emul_selftest_mod);
}

int emul_selftest_trap(long kind)
{
	static int *volatile nowhere;
	static volatile int zero, one = 1;
	int i;

	switch (kind) {
	case REFDRV_SELFTEST_WARN_ON_ONCE:
		for (i = 0; i < 2; i++)
			emul_selftest_warn_once();  /* one site, reached twice */
		return 0;
	case REFDRV_SELFTEST_WARN_ONCE:
		for (i = 0; i < 2; i++)
			emul_selftest_warn_once_lite();  /* one site, reached twice */
		return 0;
	case REFDRV_SELFTEST_BUG:
		BUG();
	case REFDRV_SELFTEST_DIVIDE_ERROR:
		return one / zero;
	case REFDRV_SELFTEST_NULL_DEREF:
		return *nowhere;
	case REFDRV_SELFTEST_INVALID_OPCODE:
		asm volatile("ud2");
		return 0;
	case REFDRV_SELFTEST_PRINTK_TWO_LEVELS:
		printk(KERN_ERR KERN_INFO "refdrv selftest: two levels\n");
		return 0;
	case REFDRV_SELFTEST_PAST_TIMER:
		timer_setup(&emul_selftest_timer, emul_selftest_timer_fn, 0);
		emul_selftest_armed_at = jiffies;
		emul_selftest_timer.expires = jiffies - 5;
		add_timer(&emul_selftest_timer);
		return 0;
	case REFDRV_SELFTEST_DEVRES_RELEASE:
		return emul_selftest_devres();
	case REFDRV_SELFTEST_MUTEX_TWICE:
		mutex_init(&emul_selftest_mutex);
		mutex_lock(&emul_selftest_mutex);
		mutex_lock(&emul_selftest_mutex);
		return 0;
	case REFDRV_SELFTEST_MUTEX_UNLOCK_UNHELD:
		mutex_init(&emul_selftest_mutex);
		mutex_unlock(&emul_selftest_mutex);
		return 0;
	case REFDRV_SELFTEST_WORK_CANCELS_ITSELF:
		INIT_WORK(&emul_selftest_work, emul_selftest_cancel_self);
		schedule_work(&emul_selftest_work);
		return 0;
	case REFDRV_SELFTEST_DELAYED_WORK_REQUEUE:
		INIT_DELAYED_WORK(&emul_selftest_dwork, emul_selftest_dwork_fn);
		emul_selftest_queued_at = jiffies;
		queue_delayed_work(system_wq, &emul_selftest_dwork, 10);
		emul_selftest_again = queue_delayed_work(system_wq, &emul_selftest_dwork, 1);
		emul_selftest_mod = mod_delayed_work(system_wq, &emul_selftest_dwork, 20);
		return 0;
	case REFDRV_SELFTEST_SCHEDULE_TIMEOUT_STATE: {
		unsigned long j0 = jiffies, j1, j2;
		long r1, r2, r3;

		r1 = schedule_timeout(10);
		j1 = jiffies;
		r2 = schedule_timeout_uninterruptible(10);
		j2 = jiffies;
		r3 = schedule_timeout(10);
		pr_info("refdrv selftest: schedule_timeout running %ld after %lu jiffies, uninterruptible %ld after %lu, "
			"then running %ld after %lu\n", r1, j1 - j0, r2, j2 - j1, r3, jiffies - j2);
		return 0;
	}
	case REFDRV_SELFTEST_UNINIT_WORK: {
		static struct delayed_work never_set_up;

		memset(&never_set_up, 0, sizeof(never_set_up));
		cancel_delayed_work_sync(&never_set_up);
		queue_delayed_work(system_wq, &never_set_up, 1);
		return 0;
	}
	}
	return -EINVAL;
}
