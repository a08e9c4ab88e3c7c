// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - entry point of the kernel-side object and the execution context.
 *
 * The host calls refdrv_kernel_entry() once after loading the object; every
 * later call goes through the returned operations table.  Each entry records
 * on whose behalf the kernel side runs (emul_enter) and, on the way out,
 * checks that the code it ran left no mutex held (emul_leave): the kernel
 * would deadlock on such a lock, so it is reported.
 */
#include <linux/kernel.h>
#include <linux/utsname.h>
#include <generated/utsrelease.h>

#include "emul.h"

const struct refdrv_host_ops *emul_host;
struct emul_ctx emul_current;
static unsigned int emul_depth;

void emul_enter(void *cookie, struct refdrv_kinst *ki)
{
	if (emul_depth++ == 0) {
		emul_current.cookie = cookie;
		emul_current.ki = ki;
	} else if (emul_current.cookie != cookie) {
		emul_fatal("kernel side entered for a second context while running for another");
	}
	emul_sync_clock();
}

void emul_leave(void)
{
	if (emul_depth == 1)
		emul_store_flush();
	if (emul_depth == 1 && emul_held_lock_count()) {
		emul_fatal("returned to the scheduler with mutex %s still held (a later lock of it deadlocks)",
			   emul_held_lock_name(0));
	}
	if (--emul_depth == 0) {
		emul_current.cookie = NULL;
		emul_current.ki = NULL;
	}
}

void emul_trace_event(const struct refdrv_trace_event *ev)
{
	emul_store_flush();  /* a state stored before this event is reported before it */
	emul_host->trace(emul_current.cookie, ev);
}

void emul_trace(int kind, int addr, const char *name, const char *detail, long value)
{
	struct refdrv_trace_event ev = {
		.kind = kind,
		.addr = addr,
		.name = name ? name : "",
		.detail = detail,
		.value = value,
	};

	emul_trace_event(&ev);
}

void emul_warn(const char *what, const char *where)
{
	emul_trace(REFDRV_TR_WARN, -1, what, where, 0);
}

void emul_fatal(const char *fmt, ...)
{
	static char buf[512];
	va_list args;

	va_start(args, fmt);
	vscnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	/* The host does not return: it unwinds to where it entered the kernel
	 * side (in-process) or ends the child process (fork mode). */
	emul_store_flush();
	emul_host->fatal(emul_current.cookie, buf);
}

/* lib/vsprintf.c's; declared in <linux/sprintf.h> since 6.3, not before. */
extern bool no_hash_pointers;

/* ---- operations table ---- */

static int op_image_init(void *cookie)
{
	int ret;

	emul_enter(cookie, NULL);
	emul_mm_init();
	/*
	 * As the no_hash_pointers boot option sets it: %p prints the address
	 * itself, not a 32-bit hash of it, so that a pointer reads as one (a
	 * host address from 0x0000100000000000 up) and the comparison can tell
	 * it from a value a driver printed in 16 digits.
	 */
	no_hash_pointers = true;
	ret = emul_modules_init();
	emul_leave();
	return ret;
}

static void op_image_exit(void *cookie)
{
	emul_enter(cookie, NULL);
	emul_modules_exit();
	emul_leave();
}

static int op_register_foreign_module(void *cookie, const struct refdrv_foreign_module *mod)
{
	int ret;

	emul_enter(cookie, NULL);
	ret = emul_register_foreign_module(mod);
	emul_leave();
	return ret;
}

static void op_unregister_foreign_module(void *cookie, const struct refdrv_foreign_module *mod)
{
	emul_enter(cookie, NULL);
	emul_unregister_foreign_module(mod);
	emul_leave();
}


static void op_abandon(struct refdrv_kinst *ki)
{
	/*
	 * A stop inside instance_create() (in bus registration, a probe) comes
	 * before the host learns the instance: the kernel side's own record of
	 * what was running names it, so its devices still leave the bus and
	 * class lists (their nodes live in the instance's heap, which the next
	 * instance reuses).
	 */
	if (!ki)
		ki = emul_current.ki;
	emul_depth = 0;
	emul_current.cookie = NULL;
	emul_current.ki = NULL;
	emul_instance_abandon(ki);
}

static struct refdrv_kernel_ops emul_kernel_ops = {
	.abi_version = REFDRV_ABI_VERSION,
	.uts_release = UTS_RELEASE,
	.image_init = op_image_init,
	.image_exit = op_image_exit,
	.module_count = emul_module_count,
	.module_info = emul_module_info,
	.register_foreign_module = op_register_foreign_module,
	.unregister_foreign_module = op_unregister_foreign_module,
	.instance_create = emul_instance_create,
	.instance_destroy = emul_instance_destroy,
	.instance_op = emul_instance_op,
	.instance_status = emul_instance_status,
	.run_event = emul_run_event,
	.abandon = op_abandon,
	.phy_helpers = &refdrv_phy_helpers_table,
	.set_coverage = emul_set_coverage,
	.report_bug = emul_report_bug,
	.observe = emul_observe_current,
	.callback_locking = emul_callback_locking,
	.load_time_data = emul_modules_load_time_data,
};

__visible const struct refdrv_kernel_ops *refdrv_kernel_entry(const struct refdrv_host_ops *host)
{
	if (!host || host->abi_version != REFDRV_ABI_VERSION)
		return NULL;
	emul_host = host;
	return &emul_kernel_ops;
}
