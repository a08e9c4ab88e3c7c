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
 * assertions on mutexes are checked against refdrv's held-lock stack, other
 * lock types keep the tree's (empty) behaviour.
 */
#ifndef REFDRV_LOCKDEP_HOOK_H
#define REFDRV_LOCKDEP_HOOK_H

#include <linux/lockdep.h>

#ifndef CONFIG_LOCKDEP
struct mutex;
void emul_assert_mutex_held(const struct mutex *lock, const char *expr, const char *file, int line);

#define refdrv_lockdep_check(l, expr)						\
	_Generic((l),								\
		 struct mutex *: emul_assert_mutex_held((const struct mutex *)(l), expr, __FILE__, __LINE__), \
		 default: (void)(l))

#undef lockdep_assert_held
#define lockdep_assert_held(l) refdrv_lockdep_check(l, #l)
#undef lockdep_assert_held_once
#define lockdep_assert_held_once(l) refdrv_lockdep_check(l, #l)
#endif

#endif /* REFDRV_LOCKDEP_HOOK_H */
