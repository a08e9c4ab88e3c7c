// SPDX-License-Identifier: GPL-2.0
/*
 * instance.c - one instance: an MDIO bus whose accesses go to the host's
 * hardware model, and a minimal MAC (a net_device) that attaches the PHY
 * the way a MAC driver does and records every link change phylib reports.
 *
 * The operations are what a MAC driver and ethtool do, with the locks their
 * real callers hold: ndo_open/ndo_stop and ethtool run under the RTNL.
 */
#include <linux/kernel.h>
#include <linux/phy.h>
#include <linux/mdio.h>
#include <linux/mii.h>
#include <linux/sockios.h>
#include <linux/if.h>
#include <linux/netdevice.h>
#include <linux/ethtool.h>
#include <linux/linkmode.h>
#if __has_include(<linux/phy_link_topology.h>)
#include <linux/phy_link_topology.h>
#define EMUL_HAVE_LINK_TOPOLOGY 1
#endif
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "emul.h"

struct refdrv_kinst {
	void *cookie;
	int impl;
	phy_interface_t interface;   /* what the MAC connects with */
	int mdio_frames;             /* accesses take virtual time: jiffies resynced after each */
	struct mii_bus *bus;
	struct net_device *ndev;
	struct phy_device *phydev;   /* attached PHY, or NULL */
	int last_state;              /* last phylib state reported, -1 none */
	struct phy_device *observed; /* the PHY whose state is reported */
	/* Watched by the store hooks below (NULL: not), when the host chose them. */
	const void *hooked;
	unsigned long hooked_len;
};

struct emul_netdev_priv {
	struct refdrv_kinst *ki;
};

int emul_kinst_impl(const struct refdrv_kinst *ki)
{
	return ki->impl;
}

const char *emul_lock_describe(const struct mutex *lock)
{
	struct refdrv_kinst *ki = emul_current.ki;

	if (ki && ki->bus && lock == &ki->bus->mdio_lock)
		return "mii_bus->mdio_lock";
	if (ki && ki->bus && lock == &ki->bus->shared_lock)
		return "mii_bus->shared_lock";
	if (ki && ki->observed && lock == &ki->observed->lock)
		return "phydev->lock";
	return "(mutex)";
}

void emul_observe_state(struct phy_device *phydev)
{
	struct refdrv_kinst *ki = emul_current.ki;
	int old;

	/* A store the hooks marked on the PHY observed so far, before another
	 * may take its place. */
	emul_store_flush();
	if (!ki || !phydev)
		return;
	if (ki->observed != phydev) {
		ki->observed = phydev;
		ki->last_state = -1;
		/* From now on every store to it is seen as it happens (where the
		 * host can watch memory, or by the store hooks below); the calls
		 * below remain the samples. */
		if (emul_host->watch(ki->cookie, &phydev->state, sizeof(phydev->state)) == 2) {
			ki->hooked = &phydev->state;
			ki->hooked_len = sizeof(phydev->state);
		} else {
			ki->hooked = NULL;
		}
	}
	if ((int)phydev->state == ki->last_state)
		return;
	/* Reported before it is traced: tracing makes the store hooks' pending
	 * observation (emul_trace), which must find nothing new. */
	old = ki->last_state;
	ki->last_state = phydev->state;
	emul_trace(REFDRV_TR_STATE, phydev->mdio.addr, emul_phy_state_name(phydev->state),
		   old < 0 ? NULL : emul_phy_state_name(old), phydev->state);
}

/*
 * kfree() of the PHY whose state is observed (phylib allocates a phy_device
 * on its own, so the pointer kfree() gets is the PHY's): its last store is
 * reported, then nothing more is watched or read there.  Watching lasts
 * until then, so that the store of PHY_DOWN in phy_remove(), when
 * mdiobus_unregister() unbinds the driver, is seen as every other is.
 */
/* The observed PHY's last store reported, nothing more watched or read. */
static void emul_stop_observing(struct refdrv_kinst *ki)
{
	emul_observe_current();
	emul_host->watch(ki->cookie, NULL, 0);
	ki->hooked = NULL;
	ki->observed = NULL;
	ki->last_state = -1;
}

void emul_forget_freed(const void *objp)
{
	struct refdrv_kinst *ki = emul_current.ki;

	if (ki && ki->observed && (const void *)ki->observed == objp)
		emul_stop_observing(ki);
}

/* A store the store hooks saw and have not reported yet (see below). */
static int emul_store_pending;

/*
 * phylib writes phydev->state in place, with no hook of its own (but see the
 * store hooks below). It is observed wherever another context could see it
 * or it could matter to the hardware: around every driver callback and
 * phylib API call, at every mutex lock and unlock (phylib changes the state
 * under phydev->lock), before every MDIO access and after every event. A
 * state entered and left without any of these in between is seen by no
 * other kernel code either.
 */
void emul_observe_current(void)
{
	struct refdrv_kinst *ki = emul_current.ki;

	emul_store_pending = 0;  /* observed now */
	if (ki && ki->observed)
		emul_observe_state(ki->observed);
}

/*
 * The store hooks: phylib's state watched without a hardware watchpoint.
 *
 * In a kernel side built with coverage (the fuzzers'), the tree's phylib and
 * C drivers are compiled with gcc's KASAN instrumentation in its outline
 * form, stores only (kernel/kbuild.cpp): before each store they call
 * __asan_store<N>_noabort(address). Where the host answers a watch request
 * with 2 (host_ops.watch), the instance's phydev->state is watched here: a
 * store to it is marked pending, and the state is observed at the next
 * instrumented store, at the next sample, before anything else reaches the
 * host that it records (a trace event, a log line, a firmware request, a
 * stop) or on the way out of the kernel side, whichever comes first. A
 * hardware watchpoint reports the store by a trap right after it; nothing
 * between the two places records anything, so the trace is the same
 * (tests/fuzz_test.cpp compares them on every seed input). The Rust drivers
 * and the C++ ones are not instrumented; neither stores phydev->state (the
 * Rust abstractions read it), and the samples remain for any that would.
 *
 * A stop the host raises (a fault in kernel code, an exhausted budget, a
 * bad kfree) reports the pending store first too (Instance::record_stop).
 *
 * refdrv_store_hook_hits counts the stores seen to a watched word: the fuzz
 * target checks that a run moves it, as it checks the coverage counters. It
 * is part of the image's data, so a snapshot's restore puts it back too.
 */
unsigned long refdrv_store_hook_hits;

void emul_store_flush(void)
{
	if (emul_store_pending)
		emul_observe_current();  /* which clears the mark */
}

static __always_inline void emul_store_hook(unsigned long addr, unsigned long size)
{
	const struct refdrv_kinst *ki = emul_current.ki;

	if (unlikely(emul_store_pending))
		emul_store_flush();
	if (ki && ki->hooked && addr < (unsigned long)ki->hooked + ki->hooked_len &&
	    addr + size > (unsigned long)ki->hooked) {
		emul_store_pending = 1;
		refdrv_store_hook_hits++;
	}
}

#define EMUL_STORE_HOOK(n)						\
	void __asan_store##n##_noabort(unsigned long addr);		\
	void __asan_store##n##_noabort(unsigned long addr)		\
	{								\
		emul_store_hook(addr, n);				\
	}
EMUL_STORE_HOOK(1)
EMUL_STORE_HOOK(2)
EMUL_STORE_HOOK(4)
EMUL_STORE_HOOK(8)
EMUL_STORE_HOOK(16)

void __asan_storeN_noabort(unsigned long addr, unsigned long size);
void __asan_storeN_noabort(unsigned long addr, unsigned long size)
{
	emul_store_hook(addr, size);
}

/*
 * The same instrumentation calls this before every call that does not
 * return (panic(), a BUG path): KASAN clears the stack's shadow there, and
 * here there is no shadow. Without it a panic() in the store-hook build
 * stopped at an unemulated __asan_handle_no_return() instead of saying
 * what panicked. Hidden: the kernel side's own, not a host runtime's.
 */
void __asan_handle_no_return(void) __attribute__((visibility("hidden")));
void __asan_handle_no_return(void)
{
}

/* ---- MDIO: the only way software reaches the hardware model ---- */

/* Before 6.3 a Clause-45 access came through mii_bus.read/write with
 * MII_ADDR_C45 in the register number. */
#ifdef MII_ADDR_C45
#define EMUL_C45_IN_REGNUM 1
#define EMUL_C45_DEVAD(regnum) (((regnum) >> MII_DEVADDR_C45_SHIFT) & 0x1f)
#endif

/* An MDIO frame takes time on the bus (the scenario's mdio-frame): jiffies
 * follow the clock after each access, as they would tick during it.  Without
 * frames an access takes no time and there is nothing to follow. */
static int emul_mdio_done(const struct refdrv_kinst *ki, int ret)
{
	if (ki->mdio_frames)
		emul_sync_clock();
	return ret;
}

static int emul_mdio_read(struct mii_bus *bus, int addr, int regnum)
{
	struct refdrv_kinst *ki = bus->priv;

	emul_observe_current();
#ifdef EMUL_C45_IN_REGNUM
	if (regnum & MII_ADDR_C45)
		return emul_mdio_done(ki, emul_host->mdio_read_c45(ki->cookie, addr, EMUL_C45_DEVAD(regnum), regnum & 0xffff));
#endif
	return emul_mdio_done(ki, emul_host->mdio_read(ki->cookie, addr, regnum));
}

static int emul_mdio_write(struct mii_bus *bus, int addr, int regnum, u16 val)
{
	struct refdrv_kinst *ki = bus->priv;

	emul_observe_current();
#ifdef EMUL_C45_IN_REGNUM
	if (regnum & MII_ADDR_C45)
		return emul_mdio_done(ki, emul_host->mdio_write_c45(ki->cookie, addr, EMUL_C45_DEVAD(regnum), regnum & 0xffff, val));
#endif
	return emul_mdio_done(ki, emul_host->mdio_write(ki->cookie, addr, regnum, val));
}

#ifndef EMUL_C45_IN_REGNUM
static int emul_mdio_read_c45(struct mii_bus *bus, int addr, int devad, int regnum)
{
	struct refdrv_kinst *ki = bus->priv;

	emul_observe_current();
	return emul_mdio_done(ki, emul_host->mdio_read_c45(ki->cookie, addr, devad, regnum));
}

static int emul_mdio_write_c45(struct mii_bus *bus, int addr, int devad, int regnum, u16 val)
{
	struct refdrv_kinst *ki = bus->priv;

	emul_observe_current();
	return emul_mdio_done(ki, emul_host->mdio_write_c45(ki->cookie, addr, devad, regnum, val));
}
#endif

/* ---- MAC side ---- */

static void emul_adjust_link(struct net_device *ndev)
{
	struct phy_device *phydev = ndev->phydev;
	struct refdrv_trace_event ev = {
		.kind = REFDRV_TR_LINK,
		.addr = phydev->mdio.addr,
		.name = phydev->link ? "up" : "down",
		.link = phydev->link,
		.speed = phydev->speed,
		.duplex = phydev->duplex,
		.pause = phydev->pause,
		.asym_pause = phydev->asym_pause,
	};

	emul_trace_event(&ev);
}

static struct net_device *emul_alloc_netdev(struct refdrv_kinst *ki)
{
	size_t size = ALIGN(sizeof(struct net_device), NETDEV_ALIGN) + sizeof(struct emul_netdev_priv);
	struct net_device *ndev = kzalloc(size, GFP_KERNEL);
	struct emul_netdev_priv *priv;

	if (!ndev)
		return NULL;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	ndev->ethtool = kzalloc(sizeof(*ndev->ethtool), GFP_KERNEL);
	if (!ndev->ethtool) {
		kfree(ndev);
		return NULL;
	}
#endif
	strscpy(ndev->name, "eth0", sizeof(ndev->name));
	ndev->reg_state = NETREG_REGISTERED;
	ndev->dev.init_name = ndev->name;
	set_bit(__LINK_STATE_PRESENT, &ndev->state);
	set_bit(__LINK_STATE_START, &ndev->state);
	priv = netdev_priv(ndev);
	priv->ki = ki;
	return ndev;
}

static void emul_free_netdev(struct net_device *ndev)
{
#ifdef EMUL_HAVE_LINK_TOPOLOGY
	/* netdev_free_phy_link_topology() */
	if (ndev->link_topo) {
		xa_destroy(&ndev->link_topo->phys);
		kfree(ndev->link_topo);
	}
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	kfree(ndev->ethtool);
#endif
	kfree(ndev);
}

void netif_carrier_on(struct net_device *dev)
{
	if (test_and_clear_bit(__LINK_STATE_NOCARRIER, &dev->state)) {
		if (dev->reg_state == NETREG_UNINITIALIZED)
			return;
		atomic_inc(&dev->carrier_up_count);
		emul_trace(REFDRV_TR_CARRIER, -1, "on", NULL, 1);
		linkwatch_fire_event(dev);
	}
}

void netif_carrier_off(struct net_device *dev)
{
	if (!test_and_set_bit(__LINK_STATE_NOCARRIER, &dev->state)) {
		if (dev->reg_state == NETREG_UNINITIALIZED)
			return;
		atomic_inc(&dev->carrier_down_count);
		emul_trace(REFDRV_TR_CARRIER, -1, "off", NULL, 0);
		linkwatch_fire_event(dev);
	}
}

/* The operstate work a real kernel schedules has no observer here. */
void linkwatch_fire_event(struct net_device *dev)
{
}

/* ---- instance lifecycle ---- */

struct refdrv_kinst *emul_instance_create(void *cookie, const struct refdrv_instance_config *cfg, int *err)
{
	struct refdrv_kinst *ki;
	int ret;

	emul_enter(cookie, NULL);
	emul_bug_new_boot();
	ki = kzalloc(sizeof(*ki), GFP_KERNEL);
	if (!ki) {
		*err = -ENOMEM;
		emul_leave();
		return NULL;
	}
	ki->cookie = cookie;
	ki->impl = cfg->impl;
	ki->mdio_frames = cfg->mdio_frames;
	ki->interface = cfg->interface == REFDRV_IF_XAUI ? PHY_INTERFACE_MODE_XAUI : PHY_INTERFACE_MODE_MII;
	ki->last_state = -1;
	emul_current.ki = ki;

	ki->ndev = emul_alloc_netdev(ki);
	ki->bus = mdiobus_alloc();
	if (!ki->ndev || !ki->bus) {
		ret = -ENOMEM;
		goto fail;
	}
	ki->bus->name = "refdrv MDIO bus";
	snprintf(ki->bus->id, MII_BUS_ID_SIZE, "%s", cfg->bus_id);
	/* What the MAC's MDIO controller can do: phylib scans and accesses the
	 * bus by the callbacks that are set (a Clause-45-only controller has
	 * no read/write). */
#ifdef EMUL_C45_IN_REGNUM
	ki->bus->read = emul_mdio_read;
	ki->bus->write = emul_mdio_write;
	ki->bus->probe_capabilities = cfg->mdio_c45 ? (cfg->mdio_c22 ? MDIOBUS_C22_C45 : MDIOBUS_C45) : MDIOBUS_C22;
#else
	if (cfg->mdio_c22) {
		ki->bus->read = emul_mdio_read;
		ki->bus->write = emul_mdio_write;
	}
	if (cfg->mdio_c45) {
		ki->bus->read_c45 = emul_mdio_read_c45;
		ki->bus->write_c45 = emul_mdio_write_c45;
	}
#endif
	ki->bus->priv = ki;
	ki->bus->phy_mask = cfg->phy_mask;

	emul_trace(REFDRV_TR_API_ENTER, -1, "mdiobus_register", NULL, 0);
	ret = mdiobus_register(ki->bus);
	emul_trace(REFDRV_TR_API_EXIT, -1, "mdiobus_register", NULL, ret);
	if (ret) {
		mdiobus_free(ki->bus);
		ki->bus = NULL;
		goto fail;
	}
	*err = 0;
	emul_leave();
	return ki;
fail:
	if (ki->bus)
		mdiobus_free(ki->bus);
	if (ki->ndev)
		emul_free_netdev(ki->ndev);
	kfree(ki);
	*err = ret;
	emul_leave();
	return NULL;
}

void emul_instance_destroy(struct refdrv_kinst *ki)
{
	emul_enter(ki->cookie, ki);
	/* Teardown as a MAC driver's remove does it: the PHY first, then the bus. */
	if (ki->phydev) {
		emul_trace(REFDRV_TR_API_ENTER, ki->phydev->mdio.addr, "phy_disconnect", NULL, 0);
		rtnl_lock();
		phy_disconnect(ki->phydev);
		rtnl_unlock();
		emul_observe_state(ki->phydev);
		emul_trace(REFDRV_TR_API_EXIT, ki->phydev->mdio.addr, "phy_disconnect", NULL, 0);
		ki->phydev = NULL;
	}
	/* mdiobus_unregister() unbinds the driver (phy_remove() stores
	 * PHY_DOWN) and frees the PHY: it is watched until kfree()
	 * (emul_forget_freed), or, should it outlive the bus, until here. */
	emul_observe_current();
	emul_trace(REFDRV_TR_API_ENTER, -1, "mdiobus_unregister", NULL, 0);
	mdiobus_unregister(ki->bus);
	emul_stop_observing(ki);
	emul_trace(REFDRV_TR_API_EXIT, -1, "mdiobus_unregister", NULL, 0);
	mdiobus_free(ki->bus);
	emul_free_netdev(ki->ndev);
	kfree(ki);
	emul_leave();
}


void emul_instance_abandon(struct refdrv_kinst *ki)
{
	/* Everything that describes "what is running now" goes back to idle. */
	emul_store_pending = 0;
	emul_locks_abandon();
	emul_context_abandon();
	emul_workqueue_abandon();
	emul_printk_abandon();
	emul_set_matching_driver(NULL);
	if (ki)
		emul_drivercore_forget_instance(ki);
}

/* ---- operations ---- */

static u32 emul_linkmode_to_adv(const unsigned long *modes)
{
	u32 adv = 0;

	if (linkmode_test_bit(ETHTOOL_LINK_MODE_10baseT_Half_BIT, modes))
		adv |= REFDRV_ADV_10HALF;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_10baseT_Full_BIT, modes))
		adv |= REFDRV_ADV_10FULL;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_100baseT_Half_BIT, modes))
		adv |= REFDRV_ADV_100HALF;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_100baseT_Full_BIT, modes))
		adv |= REFDRV_ADV_100FULL;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_1000baseT_Half_BIT, modes))
		adv |= REFDRV_ADV_1000HALF;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_1000baseT_Full_BIT, modes))
		adv |= REFDRV_ADV_1000FULL;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_Pause_BIT, modes))
		adv |= REFDRV_ADV_PAUSE;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_Asym_Pause_BIT, modes))
		adv |= REFDRV_ADV_ASYM;
	if (linkmode_test_bit(ETHTOOL_LINK_MODE_10000baseSR_Full_BIT, modes) ||
	    linkmode_test_bit(ETHTOOL_LINK_MODE_10000baseLR_Full_BIT, modes) ||
	    linkmode_test_bit(ETHTOOL_LINK_MODE_10000baseLRM_Full_BIT, modes) ||
	    linkmode_test_bit(ETHTOOL_LINK_MODE_10000baseER_Full_BIT, modes))
		adv |= REFDRV_ADV_10GBASER;
	return adv;
}

/* A whole link-mode mask as two 64-bit words (refdrv_phy_status): the
 * bitmap's own words, bit N in word N / 64 at N % 64 (every status query
 * copies three; testing bit by bit cost a fuzz campaign a few percent). */
static void emul_linkmode_bits(const unsigned long *modes, unsigned long long out[2])
{
	BUILD_BUG_ON(BITS_PER_LONG != 64);
	BUILD_BUG_ON(__ETHTOOL_LINK_MODE_MASK_NBITS > 128);
	out[0] = modes[0];
	/* Only the bits below __ETHTOOL_LINK_MODE_MASK_NBITS: a bitmap
	 * operation on whole words may leave others set. */
	out[1] = __ETHTOOL_LINK_MODE_MASK_NBITS > 64 ?
		 modes[1] & (~0ULL >> (128 - __ETHTOOL_LINK_MODE_MASK_NBITS)) : 0;
}

static void emul_adv_to_linkmode(u32 adv, unsigned long *modes)
{
	linkmode_zero(modes);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_10baseT_Half_BIT, modes, adv & REFDRV_ADV_10HALF);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_10baseT_Full_BIT, modes, adv & REFDRV_ADV_10FULL);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_100baseT_Half_BIT, modes, adv & REFDRV_ADV_100HALF);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_100baseT_Full_BIT, modes, adv & REFDRV_ADV_100FULL);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_1000baseT_Half_BIT, modes, adv & REFDRV_ADV_1000HALF);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_1000baseT_Full_BIT, modes, adv & REFDRV_ADV_1000FULL);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_Pause_BIT, modes, adv & REFDRV_ADV_PAUSE);
	linkmode_mod_bit(ETHTOOL_LINK_MODE_Asym_Pause_BIT, modes, adv & REFDRV_ADV_ASYM);
}

/*
 * `ethtool -s DEV autoneg on speed S duplex D` with no `advertise`: ethtool
 * advertises every supported mode of that speed and duplex (either given
 * alone, any of the other) instead of the current ones, as the kernel's
 * netlink path does in ethnl_auto_linkmodes() (and ethtool's own code did
 * for the ioctl); modes with no speed (Autoneg, Pause, Asym_Pause, the
 * media) stay as they are. `speed` 0, `duplex` -1: not given.
 */
static void emul_auto_linkmodes(struct ethtool_link_ksettings *cmd, long speed, long duplex)
{
	__ETHTOOL_DECLARE_LINK_MODE_MASK(left);
	unsigned int speeds[64];
	size_t n, i;
	int d;

	linkmode_copy(left, cmd->link_modes.supported);
	n = phy_speeds(speeds, ARRAY_SIZE(speeds), left);
	for (i = 0; i < n; i++) {
		for (d = DUPLEX_HALF; d <= DUPLEX_FULL; d++) {
			const bool want = (!speed || speeds[i] == speed) &&
					  (duplex < 0 || d == (duplex ? DUPLEX_FULL : DUPLEX_HALF));
			const struct phy_setting *s;

			while ((s = phy_lookup_setting(speeds[i], d, left, true))) {
				linkmode_mod_bit(s->bit, cmd->link_modes.advertising, want);
				linkmode_clear_bit(s->bit, left);
			}
		}
	}
}

/* `ethtool -s`: read the current settings, change what was asked, write. */
static int emul_ksettings_set(struct phy_device *phydev, long autoneg, long speed, long duplex,
			      long adv)
{
	struct ethtool_link_ksettings cmd;

	memset(&cmd, 0, sizeof(cmd));
	phy_ethtool_ksettings_get(phydev, &cmd);
	cmd.base.autoneg = autoneg ? AUTONEG_ENABLE : AUTONEG_DISABLE;
	if (!autoneg) {
		cmd.base.speed = speed;
		cmd.base.duplex = duplex ? DUPLEX_FULL : DUPLEX_HALF;
	} else if (adv < 0 && (speed > 0 || duplex >= 0)) {
		emul_auto_linkmodes(&cmd, speed, duplex);
	}
	if (adv >= 0) {
		emul_adv_to_linkmode(adv, cmd.link_modes.advertising);
		linkmode_mod_bit(ETHTOOL_LINK_MODE_Autoneg_BIT, cmd.link_modes.advertising, autoneg);
	}
	return phy_ethtool_ksettings_set(phydev, &cmd);
}

static const char *emul_op_name(int op)
{
	switch (op) {
	case REFDRV_OP_ATTACH: return "phy_connect_direct";
	case REFDRV_OP_DETACH: return "phy_disconnect";
	case REFDRV_OP_START: return "phy_start";
	case REFDRV_OP_STOP: return "phy_stop";
	case REFDRV_OP_SUSPEND: return "phy_suspend";
	case REFDRV_OP_RESUME: return "phy_resume";
	case REFDRV_OP_INIT_HW: return "phy_init_hw";
	case REFDRV_OP_START_ANEG: return "phy_start_aneg";
	case REFDRV_OP_RESTART_ANEG: return "phy_restart_aneg";
	case REFDRV_OP_KSETTINGS_SET: return "phy_ethtool_ksettings_set";
	case REFDRV_OP_MDIO_READ: return "mdiobus_read";
	case REFDRV_OP_MDIO_WRITE: return "mdiobus_write";
	case REFDRV_OP_GENPHY_SOFT_RESET: return "genphy_soft_reset";
	case REFDRV_OP_MDIO_READ_C45: return "mdiobus_c45_read";
	case REFDRV_OP_MDIO_WRITE_C45: return "mdiobus_c45_write";
	case REFDRV_OP_SELFTEST_TRAP: return "refdrv_selftest_trap";
	case REFDRV_OP_MII_READ: return "phy_mii_ioctl(SIOCGMIIREG)";
	case REFDRV_OP_MII_WRITE: return "phy_mii_ioctl(SIOCSMIIREG)";
	case REFDRV_OP_POLL: return "phy_state_machine";
	}
	return "unknown";
}

static int emul_do_op(struct refdrv_kinst *ki, int op, long a, long b, long c, long d)
{
	struct phy_device *phydev = ki->phydev;
	int ret = 0;

	if (op == REFDRV_OP_ATTACH) {
		struct phy_device *target;

		if (phydev)
			return -EBUSY;
		target = mdiobus_get_phy(ki->bus, a);
		if (!target)
			return -ENODEV;
		rtnl_lock();
		ret = phy_connect_direct(ki->ndev, target, emul_adjust_link, ki->interface);
		rtnl_unlock();
		if (!ret)
			ki->phydev = target;
		return ret;
	}
	if (op == REFDRV_OP_MDIO_READ)
		return mdiobus_read(ki->bus, a, b);
	if (op == REFDRV_OP_MDIO_WRITE)
		return mdiobus_write(ki->bus, a, b, c);
	if (op == REFDRV_OP_MDIO_READ_C45)
		return mdiobus_c45_read(ki->bus, a, b, c);
	if (op == REFDRV_OP_MDIO_WRITE_C45)
		return mdiobus_c45_write(ki->bus, a, b, c, d);
	if (op == REFDRV_OP_SELFTEST_TRAP &&
	    (a == REFDRV_SELFTEST_STATE_BLIP || a == REFDRV_SELFTEST_STATE_THEN_FAULT)) {
		struct phy_device *p = ki->observed;
		enum phy_state was;

		if (!p)
			return -ENODEV;
		if (a == REFDRV_SELFTEST_STATE_THEN_FAULT) {
			__asan_store4_noabort((unsigned long)&p->state);
			WRITE_ONCE(p->state, PHY_HALTED);
			return emul_selftest_trap(REFDRV_SELFTEST_NULL_DEREF);
		}
		was = READ_ONCE(p->state);
		/* Each store announced as phylib's instrumented code announces
		 * it in a build with the store hooks (no effect without them). */
		__asan_store4_noabort((unsigned long)&p->state);
		WRITE_ONCE(p->state, PHY_HALTED);
		/* Something traced in between, with no store before it. */
		pr_info("refdrv selftest: state blip\n");
		__asan_store4_noabort((unsigned long)&p->state);
		WRITE_ONCE(p->state, was);
		return 0;
	}
	if (op == REFDRV_OP_SELFTEST_TRAP)
		return emul_selftest_trap(a);
	if (!phydev)
		return -ENODEV;

	switch (op) {
	case REFDRV_OP_MII_READ:
	case REFDRV_OP_MII_WRITE: {
		struct ifreq ifr = {};
		struct mii_ioctl_data *mii = if_mii(&ifr);

		mii->phy_id = a;
		mii->reg_num = b;
		mii->val_in = c;
		rtnl_lock();
		ret = phy_mii_ioctl(phydev, &ifr, op == REFDRV_OP_MII_READ ? SIOCGMIIREG : SIOCSMIIREG);
		rtnl_unlock();
		if (!ret && op == REFDRV_OP_MII_READ)
			ret = mii->val_out;
		break;
	}
	case REFDRV_OP_DETACH:
		rtnl_lock();
		phy_disconnect(phydev);
		rtnl_unlock();
		ki->phydev = NULL;
		break;
	case REFDRV_OP_START:
		rtnl_lock();
		phy_start(phydev);
		rtnl_unlock();
		break;
	case REFDRV_OP_STOP:
		rtnl_lock();
		phy_stop(phydev);
		rtnl_unlock();
		break;
	case REFDRV_OP_SUSPEND:
		ret = phy_suspend(phydev);
		break;
	case REFDRV_OP_RESUME:
		ret = phy_resume(phydev);
		break;
	case REFDRV_OP_INIT_HW:
		ret = phy_init_hw(phydev);
		break;
	case REFDRV_OP_START_ANEG:
		ret = phy_start_aneg(phydev);
		break;
	case REFDRV_OP_RESTART_ANEG:
		ret = phy_restart_aneg(phydev);
		break;
	case REFDRV_OP_GENPHY_SOFT_RESET:
		ret = genphy_soft_reset(phydev);
		break;
	case REFDRV_OP_POLL:
		phy_state_machine(&phydev->state_queue.work);
		break;
	case REFDRV_OP_KSETTINGS_SET:
		rtnl_lock();
		ret = emul_ksettings_set(phydev, a, b, c, d);
		rtnl_unlock();
		break;
	default:
		ret = -EOPNOTSUPP;
	}
	return ret;
}

/*
 * Operations a MAC driver makes only on the PHY it attached: with none
 * attached the call is not made (the kernel function would dereference
 * NULL), and the trace says so rather than showing the call return
 * -ENODEV. The MII ioctl and ethtool paths go through the net device, whose
 * helpers answer -ENODEV themselves when it has no PHY (phy_do_ioctl(),
 * phy_ethtool_set_link_ksettings()), so they are traced as calls.
 */
static bool emul_op_needs_attached_phy(int op)
{
	switch (op) {
	case REFDRV_OP_DETACH: case REFDRV_OP_START: case REFDRV_OP_STOP: case REFDRV_OP_SUSPEND:
	case REFDRV_OP_RESUME: case REFDRV_OP_INIT_HW: case REFDRV_OP_START_ANEG: case REFDRV_OP_RESTART_ANEG:
	case REFDRV_OP_GENPHY_SOFT_RESET: case REFDRV_OP_POLL:
		return true;
	default:
		return false;
	}
}

int emul_instance_op(struct refdrv_kinst *ki, int op, long a, long b, long c, long d)
{
	const char *name = emul_op_name(op);
	int ret;

	emul_enter(ki->cookie, ki);
	if (!ki->phydev && emul_op_needs_attached_phy(op)) {
		emul_trace(REFDRV_TR_API_ENTER, -1, name, REFDRV_TR_NOT_CALLED, 0);
		emul_trace(REFDRV_TR_API_EXIT, -1, name, REFDRV_TR_NOT_CALLED, -ENODEV);
		emul_leave();
		return -ENODEV;
	}
	emul_trace(REFDRV_TR_API_ENTER, ki->phydev ? ki->phydev->mdio.addr : -1, name, NULL, 0);
	ret = emul_do_op(ki, op, a, b, c, d);
	emul_observe_state(ki->phydev);
	emul_trace(REFDRV_TR_API_EXIT, ki->phydev ? ki->phydev->mdio.addr : -1, name, NULL, ret);
	emul_leave();
	return ret;
}

int emul_instance_status(struct refdrv_kinst *ki, struct refdrv_phy_status *out)
{
	struct phy_device *phydev = ki->phydev;

	memset(out, 0, sizeof(*out));
	out->carrier = netif_carrier_ok(ki->ndev);
	out->transceiver_internal = phydev && phy_is_internal(phydev);
	if (!phydev) {
		/* Not attached: report the first PHY found on the bus. */
		int addr;

		for (addr = 0; addr < PHY_MAX_ADDR && !phydev; addr++)
			phydev = mdiobus_get_phy(ki->bus, addr);
		if (!phydev)
			return -ENODEV;
	}
	/* Bound is what the driver core says (dev->driver): after a failed
	 * probe phy_probe() leaves phydev->drv pointing at the driver that
	 * refused the device, while the device has no driver. */
	if (phydev->mdio.dev.driver) {
		struct phy_driver *drv = to_phy_driver(phydev->mdio.dev.driver);
		struct emul_module *m = emul_driver_module(phydev->mdio.dev.driver);

		out->bound = 1;
		/* refdrv's view, not the kernel's code: a name it lacks is not a fault here. */
		strscpy(out->driver, drv->name ?: "(no name)", sizeof(out->driver));
		out->impl = m ? emul_module_impl(m) : REFDRV_IMPL_NONE;
	}
	out->phy_id = phydev->phy_id;
	out->state = phydev->state;
	strscpy(out->state_name, emul_phy_state_name(phydev->state), sizeof(out->state_name));
	out->link = phydev->link;
	out->speed = phydev->speed;
	out->duplex = phydev->duplex;
	out->pause = phydev->pause;
	out->asym_pause = phydev->asym_pause;
	out->autoneg = phydev->autoneg;
	out->autoneg_complete = phydev->autoneg_complete;
	out->supported = emul_linkmode_to_adv(phydev->supported);
	out->advertising = emul_linkmode_to_adv(phydev->advertising);
	out->lp_advertising = emul_linkmode_to_adv(phydev->lp_advertising);
	emul_linkmode_bits(phydev->supported, out->supported_bits);
	emul_linkmode_bits(phydev->advertising, out->advertising_bits);
	emul_linkmode_bits(phydev->lp_advertising, out->lp_advertising_bits);
	out->port = phydev->port;
	out->mdix_ctrl = phydev->mdix_ctrl;
	out->mdix = phydev->mdix;
	out->master_slave_get = phydev->master_slave_get;
	out->master_slave_state = phydev->master_slave_state;
	out->rate_matching = phydev->rate_matching;
	out->interface = phydev->interface;
	return 0;
}

void emul_run_event(void *cookie, struct refdrv_kinst *ki, void (*fn)(void *key), void *key)
{
	emul_enter(cookie, ki);
	fn(key);
	if (ki)
		emul_observe_state(ki->phydev ? ki->phydev : ki->observed);
	emul_leave();
}
