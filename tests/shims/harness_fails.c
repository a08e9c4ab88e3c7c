/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LD_PRELOAD'ed by the cli.harness_* tests: one of the calls refdrv's
 * supervisor needs to run a worker fails, as each can on a loaded machine,
 * or the worker's result does not reach refdrv intact. That is refdrv's own
 * failure, exit 2 with the reason, never a crash of the driver (a failed
 * run, a killed mutant, a fuzz finding). REFDRV_TEST_FAIL says which:
 *
 *   fork          every fork() fails with EAGAIN (the process limit)
 *   pipe2         every pipe2() fails with EMFILE (no file descriptor left)
 *   pipe2-worker  pipe2() fails so once a shared anonymous mapping (the
 *                 workers' trace ring) exists: the workers' pipes, not
 *                 those of the tools refdrv runs before
 *   memfd_create  every memfd_create() fails with EMFILE
 *   mmap-shared   a shared anonymous mmap() fails with ENOMEM
 *   send          in a forked worker, a write() to a pipe fails with EPIPE
 *   garble        in a forked worker, what is written to a pipe arrives as
 *                 0xff bytes (its length kept): an unreadable result
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static char mode[16];
static pid_t parent;
static int shared_mapping;

/* The tools refdrv runs (ar, nm, the compilers) keep their own calls. */
__attribute__((constructor)) static void refdrv_test_harness_fails_here_only(void)
{
	const char *m = getenv("REFDRV_TEST_FAIL");

	if (m)
		strncpy(mode, m, sizeof(mode) - 1);
	parent = getpid();
	unsetenv("LD_PRELOAD");
	unsetenv("REFDRV_TEST_FAIL");
}

static int failing(const char *what)
{
	return strcmp(mode, what) == 0;
}

/* Everything not failed goes to the next definition (libc's, a sanitizer's). */
#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

pid_t fork(void)
{
	if (failing("fork")) {
		errno = EAGAIN;
		return -1;
	}
	return REAL(fork)();
}

int pipe2(int fds[2], int flags)
{
	if (failing("pipe2") || (failing("pipe2-worker") && shared_mapping)) {
		errno = EMFILE;
		return -1;
	}
	return REAL(pipe2)(fds, flags);
}

int memfd_create(const char *name, unsigned int flags)
{
	if (failing("memfd_create")) {
		errno = EMFILE;
		return -1;
	}
	return REAL(memfd_create)(name, flags);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	const int shared_anonymous = (flags & MAP_SHARED) && (flags & MAP_ANONYMOUS);
	void *p;

	if (failing("mmap-shared") && shared_anonymous) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	p = REAL(mmap)(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && shared_anonymous)
		shared_mapping = 1;
	return p;
}

static int worker_pipe(int fd)
{
	struct stat st;

	return getpid() != parent && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	if (failing("send") && worker_pipe(fd)) {
		errno = EPIPE;
		return -1;
	}
	if (failing("garble") && worker_pipe(fd) && count > sizeof(unsigned long long)) {
		char junk[4096];
		size_t n = count < sizeof(junk) ? count : sizeof(junk);

		memset(junk, 0xff, n);
		return REAL(write)(fd, junk, n);
	}
	return REAL(write)(fd, buf, count);
}
