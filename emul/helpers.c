// SPDX-License-Identifier: GPL-2.0
/*
 * helpers.c - the only code that knows struct phy_device and struct
 * phy_driver layouts on behalf of the Rust and C++ implementations, and the
 * callback tracer that sees every implementation the same way.
 *
 * Three parts:
 *  1. refdrv_phy_helpers_table: field accessors and phylib calls for drivers
 *     that are not C (what rust/helpers and bindgen provide in the kernel).
 *  2. Foreign modules: a module described by plain callback pointers gets
 *     real struct phy_drivers whose callbacks forward to it; an absent
 *     callback stays NULL, so phylib takes its generic path exactly as for a
 *     C driver without that callback.
 *  3. Tracing: when any phy_driver is registered (C, Rust or C++), each of
 *     its callbacks that is set is replaced by a trampoline that reports
 *     entry and exit and then calls the original; NULL stays NULL.
 */
#include <linux/kernel.h>
#include <linux/phy.h>
#include <linux/firmware.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "emul.h"

/* ---- 1. helpers ---- */

static struct phy_device *to_phydev(const struct refdrv_phy *dev)
{
	return (struct phy_device *)dev;
}

static unsigned int refdrv_phy_id(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->phy_id;
}

static int refdrv_phy_state(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->state;
}

static int refdrv_phy_link(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->link;
}

static int refdrv_phy_autoneg(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->autoneg;
}

static int refdrv_phy_autoneg_complete(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->autoneg_complete;
}

static int h_speed(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->speed;
}

static int h_duplex(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->duplex;
}

static void refdrv_phy_set_speed(struct refdrv_phy *dev, int speed)
{
	to_phydev(dev)->speed = speed;
}

static void refdrv_phy_set_duplex(struct refdrv_phy *dev, int duplex)
{
	to_phydev(dev)->duplex = duplex;
}

static int h_mdio_addr(const struct refdrv_phy *dev)
{
	return to_phydev(dev)->mdio.addr;
}

static const char *h_dev_name(const struct refdrv_phy *dev)
{
	return phydev_name(to_phydev(dev));
}

/* phy_read(): mdiobus_read(bus, addr, reg), which takes the bus lock. */
static int refdrv_phy_read(struct refdrv_phy *dev, unsigned int regnum)
{
	return phy_read(to_phydev(dev), regnum);
}

static int refdrv_phy_write(struct refdrv_phy *dev, unsigned int regnum, unsigned short val)
{
	return phy_write(to_phydev(dev), regnum, val);
}

static int refdrv_phy_read_paged(struct refdrv_phy *dev, int page, unsigned int regnum)
{
	return phy_read_paged(to_phydev(dev), page, regnum);
}

static int h_write_paged(struct refdrv_phy *dev, int page, unsigned int regnum, unsigned short val)
{
	return phy_write_paged(to_phydev(dev), page, regnum, val);
}

static int refdrv_phy_read_mmd(struct refdrv_phy *dev, int devad, unsigned int regnum)
{
	return phy_read_mmd(to_phydev(dev), devad, regnum);
}

static int refdrv_phy_write_mmd(struct refdrv_phy *dev, int devad, unsigned int regnum, unsigned short val)
{
	return phy_write_mmd(to_phydev(dev), devad, regnum, val);
}

static void refdrv_phy_resolve_aneg_linkmode(struct refdrv_phy *dev)
{
	phy_resolve_aneg_linkmode(to_phydev(dev));
}

#define EMUL_HELPER_INT(name, call)					\
	static int refdrv_phy_##name(struct refdrv_phy *dev)		\
	{								\
		return call(to_phydev(dev));				\
	}

EMUL_HELPER_INT(genphy_soft_reset, genphy_soft_reset)
EMUL_HELPER_INT(init_hw, phy_init_hw)
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
EMUL_HELPER_INT(start_aneg, _phy_start_aneg)
#else
/* Before 6.7 link_change_notify ran without phydev->lock, and drivers called
 * the locking phy_start_aneg() (ax88796b.c of 6.1 does). */
EMUL_HELPER_INT(start_aneg, phy_start_aneg)
#endif
EMUL_HELPER_INT(genphy_resume, genphy_resume)
EMUL_HELPER_INT(genphy_suspend, genphy_suspend)
EMUL_HELPER_INT(genphy_read_status, genphy_read_status)
EMUL_HELPER_INT(genphy_c45_read_status, genphy_c45_read_status)
EMUL_HELPER_INT(genphy_update_link, genphy_update_link)
EMUL_HELPER_INT(genphy_read_lpa, genphy_read_lpa)
EMUL_HELPER_INT(genphy_read_abilities, genphy_read_abilities)

static int h_genphy_config_aneg(struct refdrv_phy *dev)
{
	return genphy_config_aneg(to_phydev(dev));
}

static int h_genphy_aneg_done(struct refdrv_phy *dev)
{
	return genphy_aneg_done(to_phydev(dev));
}

static int h_request_firmware(struct refdrv_phy *dev, const char *name, const unsigned char **data,
			      unsigned long *size, void **handle)
{
	const struct firmware *fw = NULL;
	int ret = request_firmware(&fw, name, &to_phydev(dev)->mdio.dev);

	*data = ret ? NULL : fw->data;
	*size = ret ? 0 : fw->size;
	*handle = (void *)fw;
	return ret;
}

static void h_release_firmware(void *handle)
{
	release_firmware(handle);
}

static void h_dev_log(const struct refdrv_phy *dev, int level, const char *msg)
{
	dev_printk_emit(level, &to_phydev(dev)->mdio.dev, "%s\n", msg);
}

static void __noreturn refdrv_bug(const char *msg)
{
	emul_fatal("BUG: %s", msg);
}

static const struct refdrv_phy_consts emul_phy_consts = {
	.phy_state_down = PHY_DOWN,
	.phy_state_ready = PHY_READY,
	.phy_state_halted = PHY_HALTED,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	.phy_state_error = PHY_ERROR,
#else
	.phy_state_error = -1,
#endif
	.phy_state_up = PHY_UP,
	.phy_state_running = PHY_RUNNING,
	.phy_state_nolink = PHY_NOLINK,
	.phy_state_cabletest = PHY_CABLETEST,
	.duplex_half = DUPLEX_HALF,
	.duplex_full = DUPLEX_FULL,
	.duplex_unknown = DUPLEX_UNKNOWN,
	.autoneg_enable = AUTONEG_ENABLE,
	.flag_is_internal = PHY_IS_INTERNAL,
	.flag_rst_after_clk_en = PHY_RST_AFTER_CLK_EN,
	.flag_poll_cable_test = PHY_POLL_CABLE_TEST,
#ifdef PHY_ALWAYS_CALL_SUSPEND
	.flag_always_call_suspend = PHY_ALWAYS_CALL_SUSPEND,
#endif
};

const struct refdrv_phy_helpers refdrv_phy_helpers_table = {
	.abi_version = REFDRV_ABI_VERSION,
	.consts = &emul_phy_consts,
	.phy_id = refdrv_phy_id,
	.state = refdrv_phy_state,
	.link = refdrv_phy_link,
	.autoneg = refdrv_phy_autoneg,
	.autoneg_complete = refdrv_phy_autoneg_complete,
	.speed = h_speed,
	.duplex = h_duplex,
	.set_speed = refdrv_phy_set_speed,
	.set_duplex = refdrv_phy_set_duplex,
	.mdio_addr = h_mdio_addr,
	.dev_name = h_dev_name,
	.read = refdrv_phy_read,
	.write = refdrv_phy_write,
	.read_paged = refdrv_phy_read_paged,
	.write_paged = h_write_paged,
	.read_mmd = refdrv_phy_read_mmd,
	.write_mmd = refdrv_phy_write_mmd,
	.resolve_aneg_linkmode = refdrv_phy_resolve_aneg_linkmode,
	.genphy_soft_reset = refdrv_phy_genphy_soft_reset,
	.init_hw = refdrv_phy_init_hw,
	.start_aneg = refdrv_phy_start_aneg,
	.genphy_resume = refdrv_phy_genphy_resume,
	.genphy_suspend = refdrv_phy_genphy_suspend,
	.genphy_read_status = refdrv_phy_genphy_read_status,
	.genphy_c45_read_status = refdrv_phy_genphy_c45_read_status,
	.genphy_update_link = refdrv_phy_genphy_update_link,
	.genphy_read_lpa = refdrv_phy_genphy_read_lpa,
	.genphy_read_abilities = refdrv_phy_genphy_read_abilities,
	.genphy_config_aneg = h_genphy_config_aneg,
	.genphy_aneg_done = h_genphy_aneg_done,
	.request_firmware = h_request_firmware,
	.release_firmware = h_release_firmware,
	.dev_log = h_dev_log,
	.bug = refdrv_bug,
};

/* ---- 2. foreign drivers ---- */

struct emul_foreign_phy_driver {
	struct phy_driver drv;
	const struct refdrv_foreign_driver *fd;
};

/* One registered array of foreign drivers (a module registers one). */
struct emul_foreign_registration {
	const struct refdrv_foreign_driver *key;
	struct emul_foreign_phy_driver *drivers;
	unsigned int n;
	struct emul_foreign_registration *next;
};

static struct emul_foreign_registration *emul_foreign_list;

static const struct refdrv_foreign_driver *to_fd(struct phy_device *phydev)
{
	return container_of(phydev->drv, struct emul_foreign_phy_driver, drv)->fd;
}

static struct refdrv_phy *to_rphy(struct phy_device *phydev)
{
	return (struct refdrv_phy *)phydev;
}

#define EMUL_FOREIGN_INT(cb)							\
	static int foreign_##cb(struct phy_device *phydev)			\
	{									\
		return to_fd(phydev)->cb(to_rphy(phydev), &refdrv_phy_helpers_table); \
	}
#define EMUL_FOREIGN_VOID(cb)							\
	static void foreign_##cb(struct phy_device *phydev)			\
	{									\
		to_fd(phydev)->cb(to_rphy(phydev), &refdrv_phy_helpers_table);	\
	}

EMUL_FOREIGN_INT(soft_reset)
EMUL_FOREIGN_INT(config_init)
EMUL_FOREIGN_INT(probe)
EMUL_FOREIGN_INT(get_features)
EMUL_FOREIGN_INT(suspend)
EMUL_FOREIGN_INT(resume)
EMUL_FOREIGN_INT(config_aneg)
EMUL_FOREIGN_INT(aneg_done)
EMUL_FOREIGN_INT(read_status)
EMUL_FOREIGN_INT(read_page)
EMUL_FOREIGN_VOID(remove)
EMUL_FOREIGN_VOID(link_change_notify)

/* match_phy_device runs before phydev->drv is set: the driver being matched
 * is the one the driver core is offering (emul_matching_driver). */
static struct phy_driver *emul_matching_driver;

static int foreign_match_phy_device(struct phy_device *phydev)
{
	struct emul_foreign_phy_driver *fpd =
		container_of(emul_matching_driver, struct emul_foreign_phy_driver, drv);

	return fpd->fd->match_phy_device(to_rphy(phydev), &refdrv_phy_helpers_table);
}

static int foreign_read_mmd(struct phy_device *phydev, int devnum, u16 regnum)
{
	return to_fd(phydev)->read_mmd(to_rphy(phydev), &refdrv_phy_helpers_table, devnum, regnum);
}

static int foreign_write_mmd(struct phy_device *phydev, int devnum, u16 regnum, u16 val)
{
	return to_fd(phydev)->write_mmd(to_rphy(phydev), &refdrv_phy_helpers_table, devnum, regnum, val);
}

static int foreign_write_page(struct phy_device *phydev, int page)
{
	return to_fd(phydev)->write_page(to_rphy(phydev), &refdrv_phy_helpers_table, page);
}

static int foreign_set_loopback(struct phy_device *phydev, bool enable)
{
	return to_fd(phydev)->set_loopback(to_rphy(phydev), &refdrv_phy_helpers_table, enable);
}

static void emul_fill_foreign(struct emul_foreign_phy_driver *fpd, const struct refdrv_foreign_driver *fd)
{
	struct phy_driver *d = &fpd->drv;

	fpd->fd = fd;
	d->name = (char *)fd->name;
	d->phy_id = fd->phy_id;
	d->phy_id_mask = fd->phy_id_mask;
	d->flags = fd->flags;
#define EMUL_SET(cb) d->cb = fd->cb ? foreign_##cb : NULL
	EMUL_SET(soft_reset);
	EMUL_SET(config_init);
	EMUL_SET(probe);
	EMUL_SET(get_features);
	EMUL_SET(suspend);
	EMUL_SET(resume);
	EMUL_SET(config_aneg);
	EMUL_SET(aneg_done);
	EMUL_SET(read_status);
	EMUL_SET(match_phy_device);
	EMUL_SET(remove);
	EMUL_SET(link_change_notify);
	EMUL_SET(read_mmd);
	EMUL_SET(write_mmd);
	EMUL_SET(read_page);
	EMUL_SET(write_page);
	EMUL_SET(set_loopback);
#undef EMUL_SET
}

/*
 * phy_drivers_register() for drivers described by plain callbacks: the
 * current module (set by the module loader) owns them.
 */
static int refdrv_phy_drivers_register(struct refdrv_foreign_driver *drivers, unsigned int n)
{
	struct emul_foreign_registration *reg;
	unsigned int i;
	int ret;

	if (!n)
		return -EINVAL;
	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->drivers = kcalloc(n, sizeof(*reg->drivers), GFP_KERNEL);
	if (!reg->drivers) {
		kfree(reg);
		return -ENOMEM;
	}
	reg->key = drivers;
	reg->n = n;
	for (i = 0; i < n; i++)
		emul_fill_foreign(&reg->drivers[i], &drivers[i]);

	for (i = 0; i < reg->n; i++) {
		ret = phy_driver_register(&reg->drivers[i].drv, NULL);
		if (ret) {
			while (i--)
				phy_driver_unregister(&reg->drivers[i].drv);
			kfree(reg->drivers);
			kfree(reg);
			return ret;
		}
	}
	reg->next = emul_foreign_list;
	emul_foreign_list = reg;
	return 0;
}

static void refdrv_phy_drivers_unregister(struct refdrv_foreign_driver *drivers, unsigned int n)
{
	struct emul_foreign_registration **pp, *reg;
	unsigned int i;

	for (pp = &emul_foreign_list; (reg = *pp); pp = &reg->next) {
		if (reg->key != drivers)
			continue;
		*pp = reg->next;
		for (i = reg->n; i-- > 0;)
			phy_driver_unregister(&reg->drivers[i].drv);
		kfree(reg->drivers);
		kfree(reg);
		return;
	}
}

int emul_foreign_register_drivers(const struct refdrv_foreign_module *mod)
{
	return refdrv_phy_drivers_register((struct refdrv_foreign_driver *)mod->drivers, mod->ndrivers);
}

void emul_foreign_unregister_drivers(const struct refdrv_foreign_module *mod)
{
	refdrv_phy_drivers_unregister((struct refdrv_foreign_driver *)mod->drivers, mod->ndrivers);
}

void emul_foreign_unregister_all(void)
{
	while (emul_foreign_list)
		refdrv_phy_drivers_unregister((struct refdrv_foreign_driver *)emul_foreign_list->key,
					      emul_foreign_list->n);
}

/* ---- 3. tracing ---- */

const char *emul_phy_state_name(int state)
{
	switch (state) {
	case PHY_DOWN: return "DOWN";
	case PHY_READY: return "READY";
	case PHY_HALTED: return "HALTED";
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	case PHY_ERROR: return "ERROR";
#endif
	case PHY_UP: return "UP";
	case PHY_RUNNING: return "RUNNING";
	case PHY_NOLINK: return "NOLINK";
	case PHY_CABLETEST: return "CABLETEST";
	}
	return "UNKNOWN";
}

/* The callbacks a driver registered, before tracing replaced them. */
struct emul_phy_orig {
	struct phy_driver *drv;
	int (*soft_reset)(struct phy_device *);
	int (*config_init)(struct phy_device *);
	int (*probe)(struct phy_device *);
	int (*get_features)(struct phy_device *);
	int (*suspend)(struct phy_device *);
	int (*resume)(struct phy_device *);
	int (*config_aneg)(struct phy_device *);
	int (*aneg_done)(struct phy_device *);
	int (*read_status)(struct phy_device *);
	int (*config_intr)(struct phy_device *);
	irqreturn_t (*handle_interrupt)(struct phy_device *);
	void (*remove)(struct phy_device *);
	int (*match_phy_device)(struct phy_device *);
	void (*link_change_notify)(struct phy_device *);
	int (*read_mmd)(struct phy_device *, int, u16);
	int (*write_mmd)(struct phy_device *, int, u16, u16);
	int (*read_page)(struct phy_device *);
	int (*write_page)(struct phy_device *, int);
	int (*set_loopback)(struct phy_device *, bool);
	struct emul_phy_orig *next;
};

static struct emul_phy_orig *emul_orig_list;

static struct emul_phy_orig *emul_orig_of(const struct phy_driver *drv)
{
	struct emul_phy_orig *o;

	for (o = emul_orig_list; o; o = o->next)
		if (o->drv == drv)
			return o;
	emul_fatal("traced callback of driver %s that was never registered", drv ? drv->name : "(null)");
}

static void emul_cb_enter(struct phy_device *phydev, const struct phy_driver *drv, const char *cb)
{
	emul_observe_state(phydev);
	emul_trace(REFDRV_TR_CALLBACK_ENTER, phydev->mdio.addr, cb, drv->name, 0);
}

static void emul_cb_exit(struct phy_device *phydev, const char *cb, long ret)
{
	emul_trace(REFDRV_TR_CALLBACK_EXIT, phydev->mdio.addr, cb, NULL, ret);
	emul_observe_state(phydev);
}

#define EMUL_TRACE_INT(cb)							\
	static int trace_##cb(struct phy_device *phydev)			\
	{									\
		const struct phy_driver *drv = phydev->drv;			\
		int ret;							\
										\
		emul_cb_enter(phydev, drv, #cb);				\
		ret = emul_orig_of(drv)->cb(phydev);				\
		emul_cb_exit(phydev, #cb, ret);					\
		return ret;							\
	}
#define EMUL_TRACE_VOID(cb)							\
	static void trace_##cb(struct phy_device *phydev)			\
	{									\
		const struct phy_driver *drv = phydev->drv;			\
										\
		emul_cb_enter(phydev, drv, #cb);				\
		emul_orig_of(drv)->cb(phydev);					\
		emul_cb_exit(phydev, #cb, 0);					\
	}

EMUL_TRACE_INT(soft_reset)
EMUL_TRACE_INT(config_init)
EMUL_TRACE_INT(probe)
EMUL_TRACE_INT(get_features)
EMUL_TRACE_INT(suspend)
EMUL_TRACE_INT(resume)
EMUL_TRACE_INT(config_aneg)
EMUL_TRACE_INT(aneg_done)
EMUL_TRACE_INT(read_status)
EMUL_TRACE_INT(config_intr)
EMUL_TRACE_INT(read_page)
EMUL_TRACE_VOID(link_change_notify)

/* phy_remove() clears phydev->drv after the callback; capture it first. */
static void trace_remove(struct phy_device *phydev)
{
	const struct phy_driver *drv = phydev->drv;

	emul_cb_enter(phydev, drv, "remove");
	emul_orig_of(drv)->remove(phydev);
	emul_cb_exit(phydev, "remove", 0);
}

static irqreturn_t trace_handle_interrupt(struct phy_device *phydev)
{
	const struct phy_driver *drv = phydev->drv;
	irqreturn_t ret;

	emul_cb_enter(phydev, drv, "handle_interrupt");
	ret = emul_orig_of(drv)->handle_interrupt(phydev);
	emul_cb_exit(phydev, "handle_interrupt", ret);
	return ret;
}

static int trace_match_phy_device(struct phy_device *phydev)
{
	struct phy_driver *drv = emul_matching_driver;
	int ret;

	emul_cb_enter(phydev, drv, "match_phy_device");
	ret = emul_orig_of(drv)->match_phy_device(phydev);
	emul_cb_exit(phydev, "match_phy_device", ret);
	return ret;
}

static int trace_read_mmd(struct phy_device *phydev, int devnum, u16 regnum)
{
	const struct phy_driver *drv = phydev->drv;
	int ret;

	emul_cb_enter(phydev, drv, "read_mmd");
	ret = emul_orig_of(drv)->read_mmd(phydev, devnum, regnum);
	emul_cb_exit(phydev, "read_mmd", ret);
	return ret;
}

static int trace_write_mmd(struct phy_device *phydev, int devnum, u16 regnum, u16 val)
{
	const struct phy_driver *drv = phydev->drv;
	int ret;

	emul_cb_enter(phydev, drv, "write_mmd");
	ret = emul_orig_of(drv)->write_mmd(phydev, devnum, regnum, val);
	emul_cb_exit(phydev, "write_mmd", ret);
	return ret;
}

static int trace_write_page(struct phy_device *phydev, int page)
{
	const struct phy_driver *drv = phydev->drv;
	int ret;

	emul_cb_enter(phydev, drv, "write_page");
	ret = emul_orig_of(drv)->write_page(phydev, page);
	emul_cb_exit(phydev, "write_page", ret);
	return ret;
}

static int trace_set_loopback(struct phy_device *phydev, bool enable)
{
	const struct phy_driver *drv = phydev->drv;
	int ret;

	emul_cb_enter(phydev, drv, "set_loopback");
	ret = emul_orig_of(drv)->set_loopback(phydev, enable);
	emul_cb_exit(phydev, "set_loopback", ret);
	return ret;
}

void emul_set_matching_driver(struct phy_driver *drv)
{
	emul_matching_driver = drv;
}

#define EMUL_CALLBACKS(X)							\
	X(soft_reset) X(config_init) X(probe) X(get_features) X(suspend)	\
	X(resume) X(config_aneg) X(aneg_done) X(read_status) X(config_intr)	\
	X(handle_interrupt) X(remove) X(match_phy_device)			\
	X(link_change_notify) X(read_mmd) X(write_mmd) X(read_page)		\
	X(write_page) X(set_loopback)

/* The bits of enum refdrv_callback in EMUL_CALLBACKS order. */
unsigned int emul_phy_driver_callbacks(const struct phy_driver *drv)
{
	unsigned int bits = 0, bit = 0;

#define EMUL_BIT(cb) if (drv->cb) bits |= 1u << bit; bit++;
	EMUL_CALLBACKS(EMUL_BIT)
#undef EMUL_BIT
	return bits;
}

void emul_wrap_phy_driver(struct phy_driver *drv)
{
	struct emul_phy_orig *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		emul_fatal("out of memory wrapping driver %s", drv->name);
	o->drv = drv;
#define EMUL_WRAP(cb)								\
	o->cb = drv->cb;							\
	if (drv->cb)								\
		drv->cb = trace_##cb;
	EMUL_CALLBACKS(EMUL_WRAP)
#undef EMUL_WRAP
	o->next = emul_orig_list;
	emul_orig_list = o;
}

void emul_unwrap_phy_driver(struct phy_driver *drv)
{
	struct emul_phy_orig **pp, *o;

	for (pp = &emul_orig_list; (o = *pp); pp = &o->next) {
		if (o->drv != drv)
			continue;
#define EMUL_UNWRAP(cb) drv->cb = o->cb;
		EMUL_CALLBACKS(EMUL_UNWRAP)
#undef EMUL_UNWRAP
		*pp = o->next;
		kfree(o);
		return;
	}
}
