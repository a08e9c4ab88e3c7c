/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emul.h - internal interface of refdrv's kernel-services emulation.
 *
 * The emulation is compiled like the phylib objects it serves: with the
 * tree's headers and the tree's own compiler flags (adjusted for userspace),
 * so every function here is checked against the tree's prototypes.  It never
 * includes a libc header; what the kernel would take from hardware or from
 * the scheduler it takes from the host through refdrv_abi.h.
 *
 * Execution model: single-threaded.  The host enters the kernel side through
 * refdrv_kernel_ops (an API call or a due event); emul_enter() records on
 * whose behalf the code runs, and emul_leave() checks that nothing is left
 * held.  Nested entries do not happen.
 */
#ifndef REFDRV_EMUL_H
#define REFDRV_EMUL_H

#include <linux/version.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/stddef.h>

#include "refdrv_abi.h"
#include "refdrv_phy_helpers.h"

struct device;
struct device_driver;
struct mutex;
struct phy_device;
struct phy_driver;

extern const struct refdrv_host_ops *emul_host;

/* coverage.c: where __sanitizer_cov_trace_pc() records (NULL: nowhere). */
void emul_set_coverage(struct refdrv_coverage *coverage);

/* The context the kernel side currently runs for (instance or image). */
struct emul_ctx {
	void *cookie;              /* the host's cookie for host_ops calls */
	struct refdrv_kinst *ki;   /* NULL while the image itself initialises */
};
extern struct emul_ctx emul_current;

void emul_enter(void *cookie, struct refdrv_kinst *ki);
void emul_leave(void);

/* Clock: keeps jiffies/jiffies_64 in step with the host's virtual clock. */
void emul_sync_clock(void);
unsigned long long emul_now_ns(void);
unsigned long long emul_jiffies_to_ns(unsigned long j);
/* The tick the timer wheel runs a timer armed now for `expires` on (time.c). */
unsigned long emul_timer_tick(unsigned long expires);

/* Loud failure: a function that must not run ran, or a kernel invariant broke.
 * Reported through the trace, then the host stops the instance. */
void __noreturn emul_fatal(const char *fmt, ...) __printf(1, 2);
/* A kernel-side assertion failed (what WARN would have said); the run goes on. */
void emul_warn(const char *what, const char *where);
void emul_trace(int kind, int addr, const char *name, const char *detail, long value);
/* The same for an event with more fields (the MAC's link view). */
void emul_trace_event(const struct refdrv_trace_event *ev);

/* Locking discipline (emul/locking.c). */
bool emul_mutex_held_by_current(const struct mutex *lock);
unsigned int emul_held_lock_count(void);
const char *emul_held_lock_name(unsigned int idx);

void emul_locks_abandon(void);
/* Names the well-known locks of the current instance (instance.c). */
const char *emul_lock_describe(const struct mutex *lock);

/* Modules (emul/modules.c, with the generated table). */
struct emul_module;
struct emul_module *emul_module_current(void);
int emul_module_impl(const struct emul_module *m);
const char *emul_module_kconfig(const struct emul_module *m);
const char *emul_module_name(const struct emul_module *m);
bool emul_kconfig_has_impl(const char *kconfig, int impl);
void emul_module_add_driver(struct emul_module *m, const char *drv_name, u32 phy_id, u32 mask,
			    unsigned int callbacks, unsigned int flags, unsigned long long members);
void emul_module_remove_driver(struct emul_module *m, const char *drv_name, u32 phy_id);
int emul_modules_init(void);
void emul_modules_exit(void);
void emul_modules_load_time_data(const void **start, unsigned long *len);
unsigned int emul_module_count(void);
int emul_module_info(unsigned int idx, struct refdrv_module_info *out);
int emul_register_foreign_module(const struct refdrv_foreign_module *mod);

/* Driver core (emul/drivercore.c). */
struct emul_module *emul_driver_module(const struct device_driver *drv);
struct refdrv_kinst *emul_device_instance(const struct device *dev);
bool emul_driver_eligible(const struct device_driver *drv, const struct device *dev);
void emul_drivercore_forget_instance(struct refdrv_kinst *ki);
void devres_release_all(struct device *dev);

/* Instances (emul/instance.c). */
int emul_kinst_impl(const struct refdrv_kinst *ki);
struct refdrv_kinst *emul_instance_create(void *cookie, const struct refdrv_instance_config *cfg, int *err);
void emul_instance_destroy(struct refdrv_kinst *ki);
void emul_instance_abandon(struct refdrv_kinst *ki);
int emul_instance_op(struct refdrv_kinst *ki, int op, long a, long b, long c, long d);
int emul_instance_status(struct refdrv_kinst *ki, struct refdrv_phy_status *out);
void emul_run_event(void *cookie, struct refdrv_kinst *ki, void (*fn)(void *key), void *key);
void emul_context_abandon(void);
void emul_workqueue_abandon(void);
void emul_printk_abandon(void);
void emul_observe_state(struct phy_device *phydev);
/* Observes the state of the instance's observed PHY, if any (instance.c). */
void emul_observe_current(void);
/* The store hooks' pending observation, made now (instance.c). */
void emul_store_flush(void);
/* instance.c: kfree() of the PHY whose state is watched ends the watch. */
void emul_forget_freed(const void *objp);

/* Callback tracing (emul/helpers.c): wraps every phy_driver's callbacks. */
void emul_wrap_phy_driver(struct phy_driver *drv);
void emul_unwrap_phy_driver(struct phy_driver *drv);
void emul_set_matching_driver(struct phy_driver *drv);
unsigned int emul_phy_driver_callbacks(const struct phy_driver *drv);
unsigned int emul_phy_driver_member_slots(void);
unsigned long long emul_phy_driver_members(const struct phy_driver *drv);
void emul_callback_locking(unsigned long *locked, unsigned long *unlocked);
const char *emul_phy_state_name(int state);
int emul_foreign_register_drivers(const struct refdrv_foreign_module *mod);
void emul_foreign_unregister_all(void);
void emul_foreign_unregister_drivers(const struct refdrv_foreign_module *mod);
void emul_unregister_foreign_module(const struct refdrv_foreign_module *mod);

/* Memory (emul/mm.c). */
void *emul_alloc(size_t size, gfp_t flags);
void emul_mm_init(void);

/* WARN and BUG (emul/bug.c). */
int emul_report_bug(unsigned long pc, char *what, unsigned long size);
void emul_bug_new_boot(void);
int emul_selftest_trap(long kind);

/* printk (emul/printk.c). */
void emul_log_line(int level, const char *text);

#endif /* REFDRV_EMUL_H */
