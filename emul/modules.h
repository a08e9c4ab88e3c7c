/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modules.h - the table the build generates (modules_table.c) describing
 * every kernel-side object and its module.
 *
 * The build renames each object's .initcall<level>.init, .exitcall.exit and
 * .modinfo sections to names unique to that object, so the generated table
 * can point at each object's own initcalls (through the __start_/__stop_
 * symbols the linker provides) and attribute what an initcall registers to
 * the module it belongs to.  Levels run in the kernel's order; within a
 * level, objects run in link order, as in vmlinux.
 *
 * The tree's Rust drivers are objects like the C ones: module! puts their
 * init into .initcall6.init and their metadata into .modinfo when built in.
 * It gives a built-in module no exitcall; refdrv unloads one with the
 * __<name>_exit function module! also defines (rust_exit).
 */
#ifndef REFDRV_EMUL_MODULES_H
#define REFDRV_EMUL_MODULES_H

#include <linux/init.h>

#include "refdrv_phy_helpers.h"

/* early, 0, 0s, 1, 1s, 2, 2s, 3, 3s, 4, 4s, 5, 5s, rootfs, 6, 6s, 7, 7s */
#define EMUL_INITCALL_LEVELS 18

struct emul_initcall_range {
	initcall_entry_t *start, *stop;
};

struct emul_object {
	const char *modname;   /* KBUILD_MODNAME, or the module! name of a Rust driver */
	const char *source;    /* path in the tree */
	const char *kconfig;   /* reference-driver group (Kconfig symbol), or NULL */
	int impl;              /* enum refdrv_impl */
	struct emul_initcall_range initcalls[EMUL_INITCALL_LEVELS];
	const char *modinfo_start, *modinfo_stop;
	exitcall_t *exit_start, *exit_stop;
	void (*rust_exit)(void); /* a Rust driver's __<name>_exit, or NULL */
};

extern const struct emul_object emul_objects[];
extern const unsigned int emul_nobjects;

#endif /* REFDRV_EMUL_MODULES_H */
