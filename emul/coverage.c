// SPDX-License-Identifier: GPL-2.0
/*
 * coverage.c - the callback of gcc's -fsanitize-coverage=trace-pc.
 *
 * In a coverage build (for the fuzzers) the tree's phylib, C and Rust
 * drivers call __sanitizer_cov_trace_pc() at the start of every basic block,
 * as they do for the kernel's KCOV.  Here each call sets the block's counter
 * in the host's struct refdrv_coverage to 1 (refdrv_abi.h): a block gets the
 * next free counter when it first runs, found again through the slot of its
 * return address.  libFuzzer reads the counters as coverage features, next
 * to those of the code clang instrumented.
 *
 * The slots and the counters are host memory: a snapshot restore, which
 * rewinds the kernel side's own data, does not take back counters given.
 * One load and one store per block run, and neighbouring blocks (which run
 * together) share the slots' cache lines: a hash table in their place made
 * this function a sixth of a fuzz campaign's time, one cache miss per block.
 *
 * This file is never compiled with the instrumentation itself.
 */
#include "emul.h"

void __sanitizer_cov_trace_pc(void);

static struct refdrv_coverage *emul_cov;

void emul_set_coverage(struct refdrv_coverage *coverage)
{
	if (coverage && (!coverage->counters || !coverage->size || coverage->size > 0xfffe ||
			 !coverage->slots || !coverage->nslots))
		coverage = NULL;
	emul_cov = coverage;
}

void __sanitizer_cov_trace_pc(void)
{
	struct refdrv_coverage *cov = emul_cov;
	unsigned long slot;
	unsigned int counter;

	if (!cov)
		return;
	slot = ((unsigned long)__builtin_return_address(0) - cov->text) >> 2;
	if (slot >= cov->nslots) {
		cov->missed++;
		return;
	}
	counter = cov->slots[slot];
	if (!counter) {
		/* The block's first run. */
		if (cov->used < cov->size) {
			counter = (unsigned int)++cov->used;
		} else {
			counter = 0xffff;
			cov->missed++;
		}
		cov->slots[slot] = (unsigned short)counter;
	}
	if (counter <= cov->size)
		cov->counters[counter - 1] = 1;
}
