/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refdrv_phy_callbacks.h - the struct phy_driver callbacks refdrv knows,
 * listed once.
 *
 * REFDRV_PHY_CALLBACKS(X) calls X(name, shape, foreign, cxx, locked) for each
 * callback; its order is that of enum refdrv_callback (at the end of this
 * file), whose values are the bits of refdrv_module_info.callbacks.  Everything that names the
 * callbacks one by one is generated from it: that enum and the host's names
 * for it, struct refdrv_foreign_driver, the kernel side's tracing and
 * forwarding wrappers (emul/helpers.c), and the C++ abstractions' Callback
 * enum, compile-time checks, adapter and describe() (cxx/include/refdrv/phy).
 *
 *   name     the member of struct phy_driver.
 *   shape    its signature, after the `struct phy_device *` every callback
 *            takes first:
 *              INT        int ()
 *              STATUS     int (), read_status: the C++ (and Rust) driver's
 *                         function returns the link's BMSR-like u16, which
 *                         phylib does not see
 *              MATCH      int (), asked of the driver being matched, before
 *                         phydev->drv is set
 *              VOID       void ()
 *              IRQ        irqreturn_t ()
 *              MMD_READ   int (int devnum, u16 regnum)
 *              MMD_WRITE  int (int devnum, u16 regnum, u16 val)
 *              PAGE       int (int page)
 *              LOOPBACK   int (bool enable)
 *   foreign  1: a driver in another language can provide it through
 *            struct refdrv_foreign_driver (refdrv_phy_helpers.h).
 *   cxx      1: refdrv's C++ abstractions offer it (the set the tree's Rust
 *            kernel::net::phy::Driver offers in 6.12).
 *   locked   1: phylib holds phydev->lock on every call it makes, so a
 *            driver may use the accessors that need it; 0: some call path
 *            runs without it (named in the comment of the row).  This is
 *            what a driver's SAFETY argument rests on.  refdrv measures it:
 *            the kernel side counts, per callback, the calls made with and
 *            without the lock (refdrv_kernel_ops.callback_locking), and
 *            tests/locking_test.cpp runs the default suite on every
 *            implementation, and a C++ driver with every callback the
 *            abstractions offer, and holds this column to what it sees.
 *
 * Plain C, included by both sides like refdrv_abi.h.
 */
#ifndef REFDRV_PHY_CALLBACKS_H
#define REFDRV_PHY_CALLBACKS_H

/* clang-format off */
/* Each row's comment is the callback's SAFETY argument: who calls it, what
 * is held, why a driver may use its device there. "Measured": the locking
 * test sees phylib call it (tests/locking_test.cpp); "source": the suite does
 * not reach it and the column is read from 6.12's phylib. Where phydev->lock
 * is not held, the driver's MDIO accesses still take the bus lock
 * themselves (phy_read() and friends), and phylib's core keeps those paths
 * apart from the state machine. */
#define REFDRV_PHY_CALLBACKS(X)						\
	/* Measured: phy_init_hw() runs it without the lock from		\
	 * phy_attach_direct() and mdio_bus_phy_resume(), with it from		\
	 * phy_resume()'s callers (the tree's phy.rs says "we hold		\
	 * phy_device->lock": not on every call). */				\
	X(soft_reset,         INT,       1, 1, 0)				\
	/* Source: phy_init_hw(), as soft_reset. */				\
	X(config_init,        INT,       1, 0, 0)				\
	/* Measured: phy_probe(), before the device is published: the	\
	 * driver has it to itself. */						\
	X(probe,              INT,       1, 1, 0)				\
	/* Measured: phy_probe(), as probe. */				\
	X(get_features,       INT,       1, 1, 0)				\
	/* Measured: phy_suspend() from phy_detach() and the PM callbacks,	\
	 * without the lock. */							\
	X(suspend,            INT,       1, 1, 0)				\
	/* Measured: __phy_resume() asserts the lock. */			\
	X(resume,             INT,       1, 1, 1)				\
	/* Measured: phy_config_aneg() from _phy_start_aneg(), which asserts	\
	 * the lock, and from phy_speed_down/up() and phy_loopback(),	\
	 * which take it. */							\
	X(config_aneg,        INT,       1, 1, 1)				\
	/* Source: phy_aneg_done() is exported and MAC drivers (greth, xgbe)	\
	 * call it without the lock. */						\
	X(aneg_done,          INT,       1, 0, 0)				\
	/* Measured: phy_read_status() from the state machine and ethtool,	\
	 * under the lock. */							\
	X(read_status,        STATUS,    1, 1, 1)				\
	/* Source: phy_init_hw() and phy_probe() (phy_disable_interrupts())	\
	 * call it, interrupts disabled, without the lock; refdrv polls, so	\
	 * the call that enables them is never reached. Marked unlocked. */	\
	X(config_intr,        INT,       0, 0, 0)				\
	/* Source: phy_interrupt() takes the lock around it; refdrv polls,	\
	 * so never reached. */							\
	X(handle_interrupt,   IRQ,       0, 0, 1)				\
	/* Source: phy_remove(), the driver core unbinding the device: no	\
	 * phylib lock, nothing else uses the device any more. */		\
	X(remove,             VOID,      1, 0, 0)				\
	/* Measured: phy_bus_match(), the driver core offering a driver to	\
	 * a device that is not bound yet: no lock (the tree's phy.rs says	\
	 * "we hold phy_device->lock": it is never held here). A driver may	\
	 * only read what the bus scan filled in (the PHY ID). */		\
	X(match_phy_device,   MATCH,     1, 1, 0)				\
	/* Measured: phy_state_machine() under the lock since 6.7; before,	\
	 * without it (6.1: callback_always_locked(cb, version)).	\
	 * Measured on both by tests/locking_test.cpp. */		\
	X(link_change_notify, VOID,      1, 1, 1)				\
	/* Measured: phy_read_mmd() takes the MDIO bus lock, not		\
	 * phydev->lock: phy_probe() reads the EEE abilities without it. */	\
	X(read_mmd,           MMD_READ,  1, 1, 0)				\
	/* Source: phy_write_mmd(), as read_mmd. */				\
	X(write_mmd,          MMD_WRITE, 1, 1, 0)				\
	/* Source: phy_select_page() and friends: the MDIO bus lock. */	\
	X(read_page,          INT,       1, 0, 0)				\
	/* Source: as read_page. */						\
	X(write_page,         PAGE,      1, 0, 0)				\
	/* Source: phy_loopback() takes the lock around it. */		\
	X(set_loopback,       LOOPBACK,  1, 0, 1)
/* clang-format on */

/* For X: REFDRV_PHY_IF_##column(...) keeps its arguments where the column
 * is 1 and drops them where it is 0. */
#define REFDRV_PHY_IF_0(...)
#define REFDRV_PHY_IF_1(...) __VA_ARGS__

/* The callbacks refdrv traces, as bits of refdrv_module_info.callbacks
 * (which ones a driver implements): REFDRV_CB_soft_reset, ... */
#define REFDRV_CB_ENUMERATOR(name, shape, foreign, cxx, locked) REFDRV_CB_##name,
enum refdrv_callback {
	REFDRV_PHY_CALLBACKS(REFDRV_CB_ENUMERATOR)
	REFDRV_CB_COUNT
};
#undef REFDRV_CB_ENUMERATOR

#endif /* REFDRV_PHY_CALLBACKS_H */
