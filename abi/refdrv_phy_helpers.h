/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refdrv_phy_helpers.h - how drivers written in Rust or C++ reach phylib.
 *
 * The C++ abstractions never mirror a kernel structure layout.  Everything
 * they need from `struct phy_device` and every phylib function they call
 * goes through the helpers below, which are C compiled with the tree's own
 * headers (what bindgen plus rust/helpers do for the tree's Rust, which
 * refdrv builds as the tree does).  A phy_device is seen only as the opaque
 * `struct refdrv_phy`.
 *
 * A driver is described by `struct refdrv_foreign_driver`: plain callback
 * pointers, NULL where the driver has no such callback, so that phylib falls
 * back to its generic routine exactly as for a C driver.
 *
 * The C++ abstractions call them through the table that
 * refdrv_kernel_ops.phy_helpers points to. Modules are registered through
 * refdrv_kernel_ops (register_foreign_module), which enters the kernel side
 * properly; these helpers are only called from inside driver callbacks.
 */
#ifndef REFDRV_PHY_HELPERS_H
#define REFDRV_PHY_HELPERS_H

#include "refdrv_phy_callbacks.h"

#ifdef __cplusplus
extern "C" {
#endif

struct refdrv_phy; /* is a struct phy_device */
struct refdrv_phy_helpers;

/* Callbacks of struct phy_driver that a foreign driver may provide: those
 * of REFDRV_PHY_CALLBACKS with `foreign` 1, in its order. The signatures
 * are phylib's, with struct phy_device replaced by the opaque type and the
 * helper table of the kernel side that calls (several kernel sides may be
 * loaded, one per tree) passed along. */
#define REFDRV_FOREIGN_PARAMS_INT
#define REFDRV_FOREIGN_PARAMS_STATUS
#define REFDRV_FOREIGN_PARAMS_MATCH
#define REFDRV_FOREIGN_PARAMS_VOID
#define REFDRV_FOREIGN_PARAMS_MMD_READ , int devnum, unsigned short regnum
#define REFDRV_FOREIGN_PARAMS_MMD_WRITE , int devnum, unsigned short regnum, unsigned short val
#define REFDRV_FOREIGN_PARAMS_PAGE , int page
#define REFDRV_FOREIGN_PARAMS_LOOPBACK , int enable
#define REFDRV_FOREIGN_RET_INT int
#define REFDRV_FOREIGN_RET_STATUS int
#define REFDRV_FOREIGN_RET_MATCH int
#define REFDRV_FOREIGN_RET_VOID void
#define REFDRV_FOREIGN_RET_MMD_READ int
#define REFDRV_FOREIGN_RET_MMD_WRITE int
#define REFDRV_FOREIGN_RET_PAGE int
#define REFDRV_FOREIGN_RET_LOOPBACK int
#define REFDRV_FOREIGN_MEMBER(name, shape, foreign, cxx, locked)			\
	REFDRV_PHY_IF_##foreign(REFDRV_FOREIGN_RET_##shape (*name)(			\
		struct refdrv_phy *dev, const struct refdrv_phy_helpers *h REFDRV_FOREIGN_PARAMS_##shape);)

struct refdrv_foreign_driver {
	const char *name;
	unsigned int phy_id;
	unsigned int phy_id_mask;
	unsigned int flags;          /* PHY_IS_INTERNAL, ... (phylib's values) */
	REFDRV_PHY_CALLBACKS(REFDRV_FOREIGN_MEMBER)
};

struct refdrv_foreign_module {
	const char *name;            /* module name, e.g. "cxx_asix_phy" */
	const char *source;          /* where its source lives */
	const char *kconfig;         /* reference group it belongs to, e.g. "AX88796B_PHY" */
	int impl;                    /* enum refdrv_impl */
	const char *author, *description, *license;
	unsigned int ndrivers;
	const struct refdrv_foreign_driver *drivers;
	unsigned int nids;
	const unsigned int *ids, *masks; /* device table */
};

/* Constants a driver needs, with the tree's values. */
struct refdrv_phy_consts {
	int phy_state_down, phy_state_ready, phy_state_halted, phy_state_error,
	    phy_state_up, phy_state_running, phy_state_nolink, phy_state_cabletest;
	int duplex_half, duplex_full, duplex_unknown;
	int autoneg_enable;
	unsigned int flag_is_internal, flag_rst_after_clk_en, flag_poll_cable_test,
		     flag_always_call_suspend;
};

/* Every function returns what the phylib function it wraps returns: a
 * negative errno on failure. */
struct refdrv_phy_helpers {
	unsigned int abi_version;
	const struct refdrv_phy_consts *consts;

	/* struct phy_device fields */
	unsigned int (*phy_id)(const struct refdrv_phy *dev);
	int (*state)(const struct refdrv_phy *dev);
	int (*link)(const struct refdrv_phy *dev);
	int (*autoneg)(const struct refdrv_phy *dev);
	int (*autoneg_complete)(const struct refdrv_phy *dev);
	int (*speed)(const struct refdrv_phy *dev);
	int (*duplex)(const struct refdrv_phy *dev);
	void (*set_speed)(struct refdrv_phy *dev, int speed);
	void (*set_duplex)(struct refdrv_phy *dev, int duplex);
	int (*mdio_addr)(const struct refdrv_phy *dev);
	const char *(*dev_name)(const struct refdrv_phy *dev);

	/* register access */
	int (*read)(struct refdrv_phy *dev, unsigned int regnum);       /* phy_read() */
	int (*write)(struct refdrv_phy *dev, unsigned int regnum, unsigned short val);
	int (*read_paged)(struct refdrv_phy *dev, int page, unsigned int regnum);
	int (*read_mmd)(struct refdrv_phy *dev, int devad, unsigned int regnum);
	int (*write_mmd)(struct refdrv_phy *dev, int devad, unsigned int regnum, unsigned short val);

	/* phylib */
	void (*resolve_aneg_linkmode)(struct refdrv_phy *dev);
	int (*genphy_soft_reset)(struct refdrv_phy *dev);
	int (*init_hw)(struct refdrv_phy *dev);                 /* phy_init_hw() */
	int (*start_aneg)(struct refdrv_phy *dev);              /* _phy_start_aneg() */
	int (*genphy_resume)(struct refdrv_phy *dev);
	int (*genphy_suspend)(struct refdrv_phy *dev);
	int (*genphy_read_status)(struct refdrv_phy *dev);
	int (*genphy_c45_read_status)(struct refdrv_phy *dev);
	int (*genphy_update_link)(struct refdrv_phy *dev);
	int (*genphy_read_lpa)(struct refdrv_phy *dev);
	int (*genphy_read_abilities)(struct refdrv_phy *dev);

	/* request_firmware(&fw, name, &phydev->mdio.dev): 0 with the file's
	 * bytes and a handle for release_firmware(), or a negative errno. The
	 * bytes stay valid until the handle is released. */
	int (*request_firmware)(struct refdrv_phy *dev, const char *name, const unsigned char **data,
				unsigned long *size, void **handle);
	void (*release_firmware)(void *handle);

	/* dev_printk() on the PHY's device; level as KERN_* (0..7) */
	void (*dev_log)(const struct refdrv_phy *dev, int level, const char *msg);
	/* BUG(): the calling driver cannot continue. Does not return. */
	void (*bug)(const char *what) __attribute__((noreturn));
};

extern const struct refdrv_phy_helpers refdrv_phy_helpers_table;

#ifdef __cplusplus
}
#endif

#endif /* REFDRV_PHY_HELPERS_H */
