// SPDX-License-Identifier: GPL-2.0
/*
 * locking.c - mutexes and the RTNL, single-threaded but with their discipline.
 *
 * Nothing runs concurrently, so a mutex never has to wait; what matters is
 * what a real kernel would do wrong: taking a mutex the current context
 * already holds is a deadlock, releasing one it does not hold is a bug, and
 * returning to the scheduler with one held leaves the next locker waiting
 * forever.  All three are reported.  lockdep_assert_held() is made real for
 * mutexes (see lockdep_hook.h) and checked against the held-lock stack.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/rtnetlink.h>
#include <linux/refcount.h>
#include <linux/sched.h>

#include "emul.h"

#define EMUL_MAX_HELD 16

static struct mutex *emul_held[EMUL_MAX_HELD];
static unsigned int emul_nheld;

DEFINE_MUTEX(rtnl_mutex_emul);

static long emul_lock_owner_token(void)
{
	return (long)current;
}

bool emul_mutex_held_by_current(const struct mutex *lock)
{
	unsigned int i;

	for (i = 0; i < emul_nheld; i++)
		if (emul_held[i] == lock)
			return true;
	return false;
}

unsigned int emul_held_lock_count(void)
{
	return emul_nheld;
}

const char *emul_held_lock_name(unsigned int idx)
{
	if (idx >= emul_nheld)
		return "?";
	if (emul_held[idx] == &rtnl_mutex_emul)
		return "rtnl_mutex";
	return emul_lock_describe(emul_held[idx]);
}

void emul_locks_abandon(void)
{
	while (emul_nheld) {
		struct mutex *lock = emul_held[--emul_nheld];

		atomic_long_set(&lock->owner, 0);
	}
}

void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	atomic_long_set(&lock->owner, 0);
	INIT_LIST_HEAD(&lock->wait_list);
}

bool mutex_is_locked(struct mutex *lock)
{
	return atomic_long_read(&lock->owner) != 0;
}

void mutex_lock(struct mutex *lock)
{
	if (emul_mutex_held_by_current(lock))
		emul_fatal("mutex_lock(%s): already held by this context: deadlock",
			   emul_lock_describe(lock));
	if (atomic_long_read(&lock->owner))
		emul_fatal("mutex_lock(%s): held by a context that returned to the scheduler: deadlock",
			   emul_lock_describe(lock));
	if (emul_nheld == EMUL_MAX_HELD)
		emul_fatal("unemulated kernel function mutex_lock() was called (with more than the %d mutexes held at once refdrv has room for)",
			   EMUL_MAX_HELD);
	emul_observe_current();
	atomic_long_set(&lock->owner, emul_lock_owner_token());
	emul_held[emul_nheld++] = lock;
}

int mutex_lock_interruptible(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_lock_killable(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_trylock(struct mutex *lock)
{
	if (atomic_long_read(&lock->owner))
		return 0;
	mutex_lock(lock);
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	unsigned int i;

	for (i = emul_nheld; i-- > 0;) {
		if (emul_held[i] != lock)
			continue;
		for (; i + 1 < emul_nheld; i++)
			emul_held[i] = emul_held[i + 1];
		emul_nheld--;
		atomic_long_set(&lock->owner, 0);
		emul_observe_current();
		return;
	}
	emul_fatal("mutex_unlock(%s) of a mutex this context does not hold", emul_lock_describe(lock));
}

void rtnl_lock(void)
{
	mutex_lock(&rtnl_mutex_emul);
}

void rtnl_unlock(void)
{
	mutex_unlock(&rtnl_mutex_emul);
}

int rtnl_trylock(void)
{
	return mutex_trylock(&rtnl_mutex_emul);
}

int rtnl_is_locked(void)
{
	return mutex_is_locked(&rtnl_mutex_emul);
}
