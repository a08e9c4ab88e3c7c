// SPDX-License-Identifier: GPL-2.0
/*
 * coverage.c - the callback of gcc's -fsanitize-coverage=trace-pc.
 *
 * In a coverage build (for the fuzzers) the tree's phylib, C and Rust
 * drivers call __sanitizer_cov_trace_pc() at the start of every basic block,
 * as they do for the kernel's KCOV.  Here each call sets one of the host's
 * 8-bit counters to 1, chosen by a hash of the block's offset in the
 * kernel-side object (offsets, not addresses, so the same block lands on the
 * same counter wherever the object was loaded).  libFuzzer reads the
 * counters as coverage features, next to those of the code clang
 * instrumented.
 *
 * This file is never compiled with the instrumentation itself.
 */
#include "emul.h"

void __sanitizer_cov_trace_pc(void);

static unsigned char *emul_cov_counters;
static unsigned int emul_cov_shift;

void emul_set_coverage(unsigned char *counters, unsigned long size)
{
	unsigned int bits = 0;

	if (!counters || size < 2 || (size & (size - 1))) {
		emul_cov_counters = NULL;
		return;
	}
	while ((1ul << bits) < size)
		bits++;
	emul_cov_shift = 64 - bits;
	emul_cov_counters = counters;
}

void __sanitizer_cov_trace_pc(void)
{
	unsigned long off;

	if (!emul_cov_counters)
		return;
	off = (unsigned long)__builtin_return_address(0) - (unsigned long)&refdrv_kernel_entry;
	/*
	 * A flag, not a count.  Counts would turn into libFuzzer's hit-count
	 * features, and the blocks phylib runs most are those of its
	 * once-a-second poll: every longer wait would look like new coverage,
	 * and the corpus would fill with ever longer inputs (measured on a kept
	 * corpus: a third fewer executions per second, and no block more).
	 * Fibonacci hashing spreads neighbouring blocks over the table.
	 */
	emul_cov_counters[(off * 0x9e3779b97f4a7c15ul) >> emul_cov_shift] = 1;
}
