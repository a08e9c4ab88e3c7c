/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lockdep_hook.h - force-included after the tree's own forced includes, so
 * that phylib's lockdep_assert_held() checks are real without CONFIG_LOCKDEP.
 *
 * Without lockdep the kernel compiles these assertions to nothing; refdrv
 * wants them, because the lock discipline around driver callbacks is part of
 * what an implementation must respect (for example, link_change_notify runs
 * with phydev->lock held, and _phy_start_aneg() asserts it).  The tree's
 * header is included first so its definitions are the ones replaced; the
 * assertions on mutexes are checked against refdrv's held-lock stack and
 * fail as lockdep's do (a WARN at the call site), other lock types keep the
 * tree's (empty) behaviour.
 */
#ifndef REFDRV_LOCKDEP_HOOK_H
#define REFDRV_LOCKDEP_HOOK_H

#include <linux/lockdep.h>

#ifndef CONFIG_LOCKDEP
#include <linux/bug.h>
#include <linux/types.h>

struct mutex;
bool emul_mutex_held_by_current(const struct mutex *lock);

/* lockdep_is_held() where refdrv tracks the lock (a mutex: its held-lock
 * stack); other lock types count as held, their assertions staying empty. */
#define refdrv_lockdep_is_held(l)						\
	_Generic((l),								\
		 struct mutex *: emul_mutex_held_by_current((const struct mutex *)(l)), \
		 default: ((void)(l), true))

/* As <linux/lockdep.h> has them with CONFIG_LOCKDEP: a WARN_ON() (once:
 * WARN_ON_ONCE()) at the assertion's own file and line, so the kernel's
 * WARNING text, taint and the WARN trace event name where it failed
 * (debug_locks stays 1: lockdep itself never turns off here). */
#undef lockdep_assert_held
#define lockdep_assert_held(l) do { WARN_ON(!refdrv_lockdep_is_held(l)); } while (0)
#undef lockdep_assert_held_once
#define lockdep_assert_held_once(l) do { WARN_ON_ONCE(!refdrv_lockdep_is_held(l)); } while (0)
#endif

#endif /* REFDRV_LOCKDEP_HOOK_H */
