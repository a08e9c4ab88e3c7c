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

static struct phy_driver *emul_matching_driver;

/* The driver callback `idx` (enum refdrv_callback) is addressed to:
 * phydev->drv, except for match_phy_device, which runs before phydev->drv is
 * set and asks the driver the driver core is offering. */
static const struct phy_driver *emul_called_driver(const struct phy_device *phydev, int idx)
{
	return idx == REFDRV_CB_match_phy_device ? emul_matching_driver : phydev->drv;
}

/* Each shape of REFDRV_PHY_CALLBACKS as phylib declares it: the return
 * type, the parameters after the phy_device, the same as arguments, and
 * whether a value comes back (VALUE) or not (NOVALUE). */
#define EMUL_RET_INT int
#define EMUL_RET_STATUS int
#define EMUL_RET_MATCH int
#define EMUL_RET_VOID void
#define EMUL_RET_IRQ irqreturn_t
#define EMUL_RET_MMD_READ int
#define EMUL_RET_MMD_WRITE int
#define EMUL_RET_PAGE int
#define EMUL_RET_LOOPBACK int
#define EMUL_PARAMS_INT
#define EMUL_PARAMS_STATUS
#define EMUL_PARAMS_MATCH
#define EMUL_PARAMS_VOID
#define EMUL_PARAMS_IRQ
#define EMUL_PARAMS_MMD_READ , int devnum, u16 regnum
#define EMUL_PARAMS_MMD_WRITE , int devnum, u16 regnum, u16 val
#define EMUL_PARAMS_PAGE , int page
#define EMUL_PARAMS_LOOPBACK , bool enable
#define EMUL_ARGS_INT
#define EMUL_ARGS_STATUS
#define EMUL_ARGS_MATCH
#define EMUL_ARGS_VOID
#define EMUL_ARGS_IRQ
#define EMUL_ARGS_MMD_READ , devnum, regnum
#define EMUL_ARGS_MMD_WRITE , devnum, regnum, val
#define EMUL_ARGS_PAGE , page
#define EMUL_ARGS_LOOPBACK , enable
#define EMUL_KIND_INT VALUE
#define EMUL_KIND_STATUS VALUE
#define EMUL_KIND_MATCH VALUE
#define EMUL_KIND_VOID NOVALUE
#define EMUL_KIND_IRQ VALUE
#define EMUL_KIND_MMD_READ VALUE
#define EMUL_KIND_MMD_WRITE VALUE
#define EMUL_KIND_PAGE VALUE
#define EMUL_KIND_LOOPBACK VALUE
#define EMUL_CAT(a, b) EMUL_CAT_(a, b)
#define EMUL_CAT_(a, b) a##b

static const struct refdrv_foreign_driver *fd_of(const struct phy_driver *drv)
{
	return container_of(drv, struct emul_foreign_phy_driver, drv)->fd;
}

static struct refdrv_phy *to_rphy(struct phy_device *phydev)
{
	return (struct refdrv_phy *)phydev;
}

/* foreign_<cb>(): phylib's callback, forwarded to the foreign driver's. */
#define EMUL_FOREIGN_CALL(cb, shape)						\
	fd_of(emul_called_driver(phydev, REFDRV_CB_##cb))->cb(to_rphy(phydev), &refdrv_phy_helpers_table EMUL_ARGS_##shape)
#define EMUL_FOREIGN_VALUE(cb, shape)						\
	static EMUL_RET_##shape foreign_##cb(struct phy_device *phydev EMUL_PARAMS_##shape) \
	{									\
		return EMUL_FOREIGN_CALL(cb, shape);				\
	}
#define EMUL_FOREIGN_NOVALUE(cb, shape)					\
	static void foreign_##cb(struct phy_device *phydev EMUL_PARAMS_##shape) \
	{									\
		EMUL_FOREIGN_CALL(cb, shape);					\
	}
#define EMUL_FOREIGN(cb, shape, foreign, cxx, locked)				\
	REFDRV_PHY_IF_##foreign(EMUL_CAT(EMUL_FOREIGN_, EMUL_KIND_##shape)(cb, shape))
REFDRV_PHY_CALLBACKS(EMUL_FOREIGN)
#undef EMUL_FOREIGN

static void emul_fill_foreign(struct emul_foreign_phy_driver *fpd, const struct refdrv_foreign_driver *fd)
{
	struct phy_driver *d = &fpd->drv;

	fpd->fd = fd;
	d->name = (char *)fd->name;
	d->phy_id = fd->phy_id;
	d->phy_id_mask = fd->phy_id_mask;
	d->flags = fd->flags;
#define EMUL_SET(cb, shape, foreign, cxx, locked)				\
	REFDRV_PHY_IF_##foreign(d->cb = fd->cb ? foreign_##cb : NULL;)
	REFDRV_PHY_CALLBACKS(EMUL_SET)
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
		/* In table order, as phy_drivers_unregister() does for C's
		 * module_phy_driver and Rust's Registration. */
		for (i = 0; i < reg->n; i++)
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
#define EMUL_ORIG_MEMBER(cb, shape, foreign, cxx, locked)			\
	EMUL_RET_##shape (*cb)(struct phy_device *phydev EMUL_PARAMS_##shape);
	REFDRV_PHY_CALLBACKS(EMUL_ORIG_MEMBER)
#undef EMUL_ORIG_MEMBER
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

/* Per enum refdrv_callback: calls made with the phy_device's lock held by
 * the calling context, and without (refdrv_kernel_ops.callback_locking). */
static unsigned long emul_cb_locked[REFDRV_CB_COUNT], emul_cb_unlocked[REFDRV_CB_COUNT];

void emul_callback_locking(unsigned long *locked, unsigned long *unlocked)
{
	memcpy(locked, emul_cb_locked, sizeof(emul_cb_locked));
	memcpy(unlocked, emul_cb_unlocked, sizeof(emul_cb_unlocked));
}

static void emul_cb_enter(struct phy_device *phydev, const struct phy_driver *drv, int idx, const char *cb)
{
	if (emul_mutex_held_by_current(&phydev->lock))
		emul_cb_locked[idx]++;
	else
		emul_cb_unlocked[idx]++;
	emul_observe_state(phydev);
	emul_trace(REFDRV_TR_CALLBACK_ENTER, phydev->mdio.addr, cb, drv->name, 0);
}

static void emul_cb_exit(struct phy_device *phydev, const char *cb, long ret)
{
	emul_trace(REFDRV_TR_CALLBACK_EXIT, phydev->mdio.addr, cb, NULL, ret);
	emul_observe_state(phydev);
}

/* trace_<cb>(): the driver's callback between an enter and an exit event.
 * The driver is looked up before the call: phy_remove() clears phydev->drv
 * after its callback. */
#define EMUL_TRACE_VALUE(cb, shape)						\
	static EMUL_RET_##shape trace_##cb(struct phy_device *phydev EMUL_PARAMS_##shape) \
	{									\
		const struct phy_driver *drv = emul_called_driver(phydev, REFDRV_CB_##cb);	\
		EMUL_RET_##shape ret;						\
										\
		emul_cb_enter(phydev, drv, REFDRV_CB_##cb, #cb);		\
		ret = emul_orig_of(drv)->cb(phydev EMUL_ARGS_##shape);		\
		emul_cb_exit(phydev, #cb, ret);					\
		return ret;							\
	}
#define EMUL_TRACE_NOVALUE(cb, shape)						\
	static void trace_##cb(struct phy_device *phydev EMUL_PARAMS_##shape)	\
	{									\
		const struct phy_driver *drv = emul_called_driver(phydev, REFDRV_CB_##cb);	\
										\
		emul_cb_enter(phydev, drv, REFDRV_CB_##cb, #cb);		\
		emul_orig_of(drv)->cb(phydev EMUL_ARGS_##shape);		\
		emul_cb_exit(phydev, #cb, 0);					\
	}
#define EMUL_TRACE(cb, shape, foreign, cxx, locked) EMUL_CAT(EMUL_TRACE_, EMUL_KIND_##shape)(cb, shape)
REFDRV_PHY_CALLBACKS(EMUL_TRACE)
#undef EMUL_TRACE

void emul_set_matching_driver(struct phy_driver *drv)
{
	emul_matching_driver = drv;
}

/* The bits of enum refdrv_callback the driver implements. */
unsigned int emul_phy_driver_callbacks(const struct phy_driver *drv)
{
	unsigned int bits = 0;

#define EMUL_BIT(cb, shape, foreign, cxx, locked)				\
	if (drv->cb)								\
		bits |= 1u << REFDRV_CB_##cb;
	REFDRV_PHY_CALLBACKS(EMUL_BIT)
#undef EMUL_BIT
	return bits;
}

void emul_wrap_phy_driver(struct phy_driver *drv)
{
	struct emul_phy_orig *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		emul_fatal("out of memory wrapping driver %s", drv->name);
	o->drv = drv;
#define EMUL_WRAP(cb, shape, foreign, cxx, locked)				\
	o->cb = drv->cb;							\
	if (drv->cb)								\
		drv->cb = trace_##cb;
	REFDRV_PHY_CALLBACKS(EMUL_WRAP)
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
#define EMUL_UNWRAP(cb, shape, foreign, cxx, locked) drv->cb = o->cb;
		REFDRV_PHY_CALLBACKS(EMUL_UNWRAP)
#undef EMUL_UNWRAP
		*pp = o->next;
		kfree(o);
		return;
	}
}
