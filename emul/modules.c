// SPDX-License-Identifier: GPL-2.0
/*
 * modules.c - built-in modules: running initcalls and exitcalls, module
 * information, and modules registered from outside the object (the C++
 * modules of the host).
 *
 * While a module's initcall runs it is the "current module", so the driver
 * core can attribute each registered driver to it; that attribution is what
 * lets an instance bind only the implementation it selected.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/string.h>
#include <linux/slab.h>

#include "emul.h"
#include "modules.h"

#define EMUL_MAX_MODULES 256
#define EMUL_MAX_MODULE_DRIVERS REFDRV_MAX_MODULE_DRIVERS

struct emul_module {
	const char *name;
	const char *source;
	const char *kconfig;
	int impl;
	const char *author, *description, *license;
	unsigned int ndrivers;
	const char *drivers[EMUL_MAX_MODULE_DRIVERS];
	u32 ids[EMUL_MAX_MODULE_DRIVERS], masks[EMUL_MAX_MODULE_DRIVERS];
	unsigned int callbacks[EMUL_MAX_MODULE_DRIVERS];
	unsigned int flags[EMUL_MAX_MODULE_DRIVERS];
	unsigned long long members[EMUL_MAX_MODULE_DRIVERS];
	const struct refdrv_foreign_module *foreign;
};

static struct emul_module emul_modules[EMUL_MAX_MODULES];
static unsigned int emul_nmodules;
static struct emul_module *emul_cur_module;


struct emul_module *emul_module_current(void)
{
	return emul_cur_module;
}

int emul_module_impl(const struct emul_module *m)
{
	return m->impl;
}

const char *emul_module_kconfig(const struct emul_module *m)
{
	return m->kconfig;
}

const char *emul_module_name(const struct emul_module *m)
{
	return m->name;
}

/* Whether a module of `impl` registered drivers for the Kconfig symbol. */
bool emul_kconfig_has_impl(const char *kconfig, int impl)
{
	unsigned int i;

	for (i = 0; i < emul_nmodules; i++)
		if (emul_modules[i].kconfig && !strcmp(emul_modules[i].kconfig, kconfig) &&
		    emul_modules[i].impl == impl && emul_modules[i].ndrivers)
			return true;
	return false;
}

void emul_module_add_driver(struct emul_module *m, const char *drv_name, u32 phy_id, u32 mask,
			    unsigned int callbacks, unsigned int flags, unsigned long long members)
{
	if (m->ndrivers == EMUL_MAX_MODULE_DRIVERS)
		emul_fatal("unemulated kernel function driver_register() was called (module %s registers more than the %d phy_drivers refdrv has room for)",
			   m->name, EMUL_MAX_MODULE_DRIVERS);
	m->drivers[m->ndrivers] = drv_name;
	m->ids[m->ndrivers] = phy_id;
	m->masks[m->ndrivers] = mask;
	m->callbacks[m->ndrivers] = callbacks;
	m->flags[m->ndrivers] = flags;
	m->members[m->ndrivers] = members;
	m->ndrivers++;
}

/*
 * A driver the module unregisters leaves its record: a module whose init
 * failed after registering some of its drivers (phy_drivers_register()
 * unregisters them again) registers none, as on a kernel, where the module
 * does not load.
 */
void emul_module_remove_driver(struct emul_module *m, const char *drv_name, u32 phy_id)
{
	unsigned int i, j;

	for (i = m->ndrivers; i-- > 0;) {
		if (m->drivers[i] != drv_name || m->ids[i] != phy_id)
			continue;
		for (j = i; j + 1 < m->ndrivers; j++) {
			m->drivers[j] = m->drivers[j + 1];
			m->ids[j] = m->ids[j + 1];
			m->masks[j] = m->masks[j + 1];
			m->callbacks[j] = m->callbacks[j + 1];
			m->flags[j] = m->flags[j + 1];
			m->members[j] = m->members[j + 1];
		}
		m->ndrivers--;
		return;
	}
}

static struct emul_module *emul_module_get(const char *name)
{
	unsigned int i;

	for (i = 0; i < emul_nmodules; i++)
		if (!strcmp(emul_modules[i].name, name))
			return &emul_modules[i];
	if (emul_nmodules == EMUL_MAX_MODULES)
		emul_fatal("unemulated kernel function do_init_module() was called (beyond the %d modules refdrv has room for)", EMUL_MAX_MODULES);
	emul_modules[emul_nmodules].name = name;
	return &emul_modules[emul_nmodules++];
}

/* .modinfo holds NUL-separated "modname.key=value" strings for built-in code. */
/* Whether this object's modinfo gave the module its description. */
static bool emul_parse_modinfo(struct emul_module *m, const char *p, const char *end)
{
	size_t prefix = strlen(m->name);
	bool described = false;

	for (; p && p < end; p += strlen(p) + 1) {
		const char *kv = p;

		if (!*p)
			continue;
		if (!strncmp(kv, m->name, prefix) && kv[prefix] == '.')
			kv += prefix + 1;
		if (!strncmp(kv, "author=", 7) && !m->author)
			m->author = kv + 7;
		else if (!strncmp(kv, "description=", 12) && !m->description)
			m->description = kv + 12, described = true;
		else if (!strncmp(kv, "license=", 8) && !m->license)
			m->license = kv + 8;
	}
	return described;
}

static void emul_run_initcalls(const struct emul_object *o, unsigned int level)
{
	const struct emul_initcall_range *r = &o->initcalls[level];
	initcall_entry_t *e;

	if (!r->start)
		return;
	for (e = r->start; e < r->stop; e++) {
		initcall_t fn = initcall_from_entry(e);
		int ret = fn();

		if (ret)
			pr_warn("initcall %ps of %s returned %d\n", fn, o->modname, ret);
	}
}

static int emul_register_foreign(const struct refdrv_foreign_module *mod)
{
	struct emul_module *m = emul_module_get(mod->name);
	struct emul_module *outer = emul_cur_module;
	int ret;

	if (m->foreign)
		return -EEXIST;
	m->source = mod->source;
	m->kconfig = mod->kconfig;
	m->impl = mod->impl;
	m->author = mod->author;
	m->description = mod->description;
	m->license = mod->license;
	m->foreign = mod;
	emul_cur_module = m;
	ret = emul_foreign_register_drivers(mod);
	emul_cur_module = outer;
	if (ret)
		pr_warn("module %s: registering its drivers failed: %d\n", mod->name, ret);
	return ret;
}

int emul_register_foreign_module(const struct refdrv_foreign_module *mod)
{
	return emul_register_foreign(mod);
}

void emul_unregister_foreign_module(const struct refdrv_foreign_module *mod)
{
	unsigned int i;

	emul_foreign_unregister_drivers(mod);
	for (i = 0; i < emul_nmodules; i++)
		if (emul_modules[i].foreign == mod) {
			emul_modules[i].foreign = NULL;
			emul_modules[i].ndrivers = 0;
		}
}

void emul_modules_load_time_data(const void **start, unsigned long *len)
{
	*start = emul_modules;
	*len = sizeof(emul_modules);
}

int emul_modules_init(void)
{
	unsigned int i, level;

	for (i = 0; i < emul_nobjects; i++) {
		const struct emul_object *o = &emul_objects[i];
		struct emul_module *m = emul_module_get(o->modname);

		if (!m->source)
			m->source = o->source;
		if (o->kconfig) {
			m->kconfig = o->kconfig;
			m->impl = o->impl;
		}
		/* A module of several objects (libphy: phy.c, phy_device.c,
		 * phy-c45.c, ...) is named by the source of its MODULE_DESCRIPTION,
		 * where its MODULE_AUTHOR and MODULE_LICENSE sit too, not by the
		 * first object linked. */
		if (emul_parse_modinfo(m, o->modinfo_start, o->modinfo_stop))
			m->source = o->source;
	}

	for (level = 0; level < EMUL_INITCALL_LEVELS; level++) {
		for (i = 0; i < emul_nobjects; i++) {
			emul_cur_module = emul_module_get(emul_objects[i].modname);
			emul_run_initcalls(&emul_objects[i], level);
			emul_cur_module = NULL;
		}
	}
	return 0;
}

void emul_modules_exit(void)
{
	unsigned int i;

	emul_foreign_unregister_all();
	for (i = emul_nobjects; i-- > 0;) {
		const struct emul_object *o = &emul_objects[i];
		exitcall_t *e;

		emul_cur_module = emul_module_get(o->modname);
		if (o->rust_exit)
			o->rust_exit();
		for (e = o->exit_stop; o->exit_start && e-- > o->exit_start;)
			(*e)();
		emul_cur_module = NULL;
	}
}

unsigned int emul_module_count(void)
{
	return emul_nmodules;
}

int emul_module_info(unsigned int idx, struct refdrv_module_info *out)
{
	const struct emul_module *m;
	unsigned int i;

	if (idx >= emul_nmodules)
		return -ENOENT;
	m = &emul_modules[idx];
	memset(out, 0, sizeof(*out));
	out->name = m->name;
	out->source = m->source;
	out->kconfig = m->kconfig;
	out->impl = m->impl;
	out->author = m->author;
	out->description = m->description;
	out->license = m->license;
	out->ndrivers = m->ndrivers;
	for (i = 0; i < m->ndrivers; i++) {
		out->drivers[i] = m->drivers[i];
		out->ids[i] = m->ids[i];
		out->masks[i] = m->masks[i];
		out->callbacks[i] = m->callbacks[i];
		out->flags[i] = m->flags[i];
		out->members[i] = m->members[i];
	}
	out->nids = m->ndrivers;
	out->member_slots = emul_phy_driver_member_slots();
	return 0;
}
