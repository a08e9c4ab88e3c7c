/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LD_PRELOAD'ed by cli.a_worker_refdrv_cannot_start_is_no_finding: every
 * fork() of the process fails with EAGAIN, as it does when the process limit
 * is reached, so refdrv's supervisor cannot start a worker. That is refdrv's
 * failure, exit 2 with the reason, never a crash of the driver (a failed run,
 * a killed mutant, a fuzz finding).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

/* The tools refdrv runs (ar, nm, the compilers) keep their own fork(). */
__attribute__((constructor)) static void refdrv_test_fork_fails_here_only(void)
{
	unsetenv("LD_PRELOAD");
}

pid_t fork(void)
{
	errno = EAGAIN;
	return -1;
}
