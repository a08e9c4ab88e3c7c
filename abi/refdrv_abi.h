/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refdrv_abi.h - the seam between the kernel side and the host side.
 *
 * The kernel side (real phylib, the drivers, refdrv's kernel-services
 * emulation and helpers) is compiled per Linux tree with that tree's headers
 * and linked into one shared object.  The host side (C++) is compiled once
 * with the project.  They never include each other's headers; this file is
 * the only thing both see, so it uses plain C types only (no libc, no kernel
 * headers, no fixed-width typedefs from either world).
 *
 * Direction host -> kernel: the shared object exports exactly one symbol,
 * refdrv_kernel_entry(), which receives the host's services and returns the
 * kernel side's operations.
 *
 * Every host service receives the `cookie` of the context on whose behalf the
 * kernel side runs: the image itself while initcalls run, otherwise the
 * instance whose event or API call is being executed.
 */
#ifndef REFDRV_ABI_H
#define REFDRV_ABI_H

#include "refdrv_phy_callbacks.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a structure below changes layout or meaning. */
#define REFDRV_ABI_VERSION 16

/* Which implementation of a reference-driver group a module provides. */
enum refdrv_impl {
	REFDRV_IMPL_NONE = 0, /* not part of a reference-driver group */
	REFDRV_IMPL_C = 1,
	REFDRV_IMPL_RUST = 2,
	REFDRV_IMPL_CXX = 3,
};

/* Log levels, as the kernel's KERN_* levels (0 = KERN_EMERG ... 7 = KERN_DEBUG). */

/* What crossed a seam, reported by the kernel side. MDIO accesses are
 * recorded by the host itself at the bus bridge. */
enum refdrv_trace_kind {
	REFDRV_TR_CALLBACK_ENTER = 1, /* name = callback, detail = driver name */
	REFDRV_TR_CALLBACK_EXIT,      /* name = callback, value = return code (0 for void) */
	REFDRV_TR_STATE,              /* name = new state, detail = old state, value = new state */
	REFDRV_TR_LINK,               /* MAC's adjust_link: link/speed/duplex/pause/asym_pause */
	REFDRV_TR_CARRIER,            /* value = 1 on, 0 off */
	REFDRV_TR_BIND,               /* name = driver, detail = module, value = enum refdrv_impl */
	REFDRV_TR_UNBIND,             /* name = driver */
	REFDRV_TR_API_ENTER,          /* name = API operation (phy_start, ...); detail =
	                                 REFDRV_TR_NOT_CALLED where it was not made */
	REFDRV_TR_API_EXIT,           /* name = API operation, value = return code */
	REFDRV_TR_WARN,               /* name = what, detail = where: a kernel-side assertion failed */
};

/* The detail of an API enter and exit the kernel side did not make: an
 * operation a MAC driver makes only on the PHY it attached, with none
 * attached. */
#define REFDRV_TR_NOT_CALLED "not called: no PHY device is attached"

struct refdrv_trace_event {
	int kind;          /* enum refdrv_trace_kind */
	int addr;          /* MDIO address of the PHY concerned, -1 if none */
	const char *name;  /* see enum refdrv_trace_kind; never NULL */
	const char *detail;/* may be NULL */
	long value;
	int link, speed, duplex, pause, asym_pause; /* REFDRV_TR_LINK only */
};

/* Services the host gives the kernel side. All function pointers are set. */
struct refdrv_host_ops {
	unsigned int abi_version;

	/* Memory. Returned memory is not zeroed; alignment is a power of two. */
	void *(*alloc)(void *cookie, unsigned long size, unsigned long align);
	void (*free)(void *cookie, void *ptr);

	/* Virtual time, in nanoseconds since the context was created. */
	unsigned long long (*now_ns)(void *cookie);
	/* Let `ns` of virtual time pass (sleep or busy-wait). The hardware model
	 * sees the time pass; queued events do not run until the kernel side
	 * returns to the host. */
	void (*sleep_ns)(void *cookie, unsigned long long ns);

	/* Deferred execution. An event is identified by `key` (a timer or work
	 * item address): scheduling a key that is already queued moves it.
	 * At `at_ns` the host calls kernel_ops->run_event(ctx, fn, key). */
	void (*event_schedule)(void *cookie, unsigned long long at_ns, void (*fn)(void *key), void *key);
	/* Returns 1 if the key was queued (and is now removed), 0 otherwise. */
	int (*event_cancel)(void *cookie, void *key);
	int (*event_pending)(void *cookie, void *key);

	/* One formatted kernel log line (no trailing newline). */
	void (*log)(void *cookie, int level, const char *line);

	/* The MDIO bus of an instance: Clause-22 read/write. A read returns the
	 * 16-bit value or a negative errno; a write returns 0 or a negative errno. */
	int (*mdio_read)(void *cookie, int addr, int regnum);
	int (*mdio_write)(void *cookie, int addr, int regnum, unsigned short val);
	/* The same bus, Clause 45 (mii_bus.read_c45/write_c45): an MMD (devad)
	 * and a 16-bit register address within it (IEEE 802.3 45.2). */
	int (*mdio_read_c45)(void *cookie, int addr, int devad, int regnum);
	int (*mdio_write_c45)(void *cookie, int addr, int devad, int regnum, unsigned short val);

	/* A firmware file as request_firmware() finds it for the instance: 0
	 * with its bytes (valid until the instance ends; never none), or a
	 * negative errno (-ENOENT: no such file; -EINVAL: an empty one, which
	 * kernel_read_file() refuses). */
	int (*firmware)(void *cookie, const char *name, const unsigned char **data, unsigned long *size);

	void (*trace)(void *cookie, const struct refdrv_trace_event *ev);

	/* A function that must never run was reached (trace-and-stop stub, BUG(),
	 * deadlock). Does not return. */
	void (*fatal)(void *cookie, const char *what) __attribute__((noreturn));

	/* Watch every store to [addr, addr + len) (phydev->state of the PHY an
	 * instance reports), addr NULL: stop watching. After each store the
	 * host calls kernel_ops->observe() in the context that stored. Returns
	 * 1 if it watches, 0 if it cannot (the state is then sampled), 2 if
	 * the kernel side is to watch with its store hooks (a build with them,
	 * emul/instance.c). */
	int (*watch)(void *cookie, void *addr, unsigned long len);
};

/* The MAC's side of the PHY link (phy_interface_t as the MAC connects). */
enum refdrv_interface {
	REFDRV_IF_MII = 0,           /* PHY_INTERFACE_MODE_MII: a Fast Ethernet MAC */
	REFDRV_IF_XAUI = 1,          /* PHY_INTERFACE_MODE_XAUI: a 10G MAC */
};

/* How an instance's bus looks and which implementation may bind. */
struct refdrv_instance_config {
	const char *bus_id;          /* e.g. "refdrv-0" */
	unsigned int phy_mask;       /* bit set = address not scanned (mii_bus.phy_mask) */
	int impl;                    /* enum refdrv_impl selected for reference-driver groups */
	int mdio_c22;                /* the bus does Clause-22 accesses (mii_bus.read/write) */
	int mdio_c45;                /* the bus does Clause-45 accesses (read_c45/write_c45) */
	int interface;               /* enum refdrv_interface */
	int mdio_frames;             /* MDIO accesses take virtual time (a scenario's mdio-frame) */
};

/* Operations a MAC driver or ethtool performs on the attached PHY. */
enum refdrv_op {
	REFDRV_OP_ATTACH = 1,      /* phy_connect_direct() (the configured interface); a = MDIO address */
	REFDRV_OP_DETACH,          /* phy_disconnect() */
	REFDRV_OP_START,           /* phy_start() */
	REFDRV_OP_STOP,            /* phy_stop() */
	REFDRV_OP_SUSPEND,         /* phy_suspend() */
	REFDRV_OP_RESUME,          /* phy_resume() */
	REFDRV_OP_INIT_HW,         /* phy_init_hw() */
	REFDRV_OP_START_ANEG,      /* phy_start_aneg() */
	REFDRV_OP_RESTART_ANEG,    /* phy_restart_aneg() */
	REFDRV_OP_KSETTINGS_SET,   /* phy_ethtool_ksettings_set(): a = autoneg, b = speed, c = duplex, d = advertised mask */
	REFDRV_OP_MDIO_READ,       /* mdiobus_read() by an MDIO-ioctl-like user: a = addr, b = reg */
	REFDRV_OP_MDIO_WRITE,      /* mdiobus_write(): a = addr, b = reg, c = value */
	REFDRV_OP_GENPHY_SOFT_RESET, /* genphy_soft_reset() on the attached PHY, whatever its driver */
	REFDRV_OP_MDIO_READ_C45,   /* mdiobus_c45_read(): a = addr, b = devad, c = reg */
	REFDRV_OP_MDIO_WRITE_C45,  /* mdiobus_c45_write(): a = addr, b = devad, c = reg, d = value */
	REFDRV_OP_SELFTEST_TRAP,   /* kernel-side code that traps: a = enum refdrv_selftest_trap */
	/* SIOCGMIIREG / SIOCSMIIREG as mii-tool and phytool issue them: the
	 * MAC's ndo_eth_ioctl under the RTNL, phy_mii_ioctl() on the attached
	 * PHY (which updates phylib's view of a BMCR or ADVERTISE write).
	 * a = the ioctl's phy_id (an MDIO address, or mdio_phy_id_c45(prtad,
	 * devad) for Clause 45), b = register, c = value; a read returns the value. */
	REFDRV_OP_MII_READ,
	REFDRV_OP_MII_WRITE,
	/* One run of phylib's state machine on the attached PHY, called
	 * directly as its delayed work would call it (phy_state_machine(),
	 * which queues the next poll itself): the benchmarks' bare poll. */
	REFDRV_OP_POLL,
};

/* What REFDRV_OP_SELFTEST_TRAP runs in kernel-side code (emul/bug.c), so that
 * refdrv's tests prove each trap path of the kernel gate with the code the
 * kernel's compiler emits for it, not with a host-side imitation. */
enum refdrv_selftest_trap {
	REFDRV_SELFTEST_WARN_ON_ONCE = 1, /* WARN_ON_ONCE(1) twice: one WARN, returns 0 */
	REFDRV_SELFTEST_BUG,              /* BUG() */
	REFDRV_SELFTEST_DIVIDE_ERROR,     /* an integer division by zero */
	REFDRV_SELFTEST_NULL_DEREF,       /* a read through a NULL pointer */
	REFDRV_SELFTEST_INVALID_OPCODE,   /* a ud2 that is no BUG()/WARN() site */
	/* Not a trap: the reported PHY's phydev->state set to PHY_HALTED and
	 * straight back, with nothing in between that samples it. Seen only
	 * where every store is watched (host_ops.watch). */
	REFDRV_SELFTEST_STATE_BLIP,
	/* phydev->state set to PHY_HALTED, then a read through a NULL pointer
	 * with nothing in between: the stop comes from the host, and the
	 * store must be in the trace before it. */
	REFDRV_SELFTEST_STATE_THEN_FAULT,
	/* WARN_ONCE(1, "refdrv selftest: WARN_ONCE") twice: one WARN with its
	 * message (a DO_ONCE_LITE() flag, not the bug table's), returns 0. */
	REFDRV_SELFTEST_WARN_ONCE,
	/* A delayed work never set up (all zero) given to
	 * cancel_delayed_work_sync() and then queued with a delay: the
	 * kernel's WARNs (__flush_work()'s, __queue_delayed_work()'s), and
	 * its timer, without a function, is never armed. Returns 0. */
	REFDRV_SELFTEST_UNINIT_WORK,
	/* A timer armed with an expiry already past: it runs on the next tick,
	 * as the kernel's wheel runs it, and logs "refdrv selftest: timer
	 * armed at jiffy A ran at B". Returns 0. */
	REFDRV_SELFTEST_PAST_TIMER,
	/* printk(KERN_ERR KERN_INFO "refdrv selftest: two levels"): logged at
	 * the first level, 3, as printk_parse_prefix() takes it. Returns 0. */
	REFDRV_SELFTEST_PRINTK_TWO_LEVELS,
	/* On a device of its own: devm_kmalloc() of a block, then two
	 * devm_add_action()s, "A" and "B", each logging "refdrv selftest:
	 * devres release A" (B) when released; B's then devm_kfree()s the
	 * block. devres_release_all() releases B, then A, then the block, and
	 * B's devm_kfree() finds nothing (the kernel moves the list aside
	 * before releasing): a WARN. Returns 0. */
	REFDRV_SELFTEST_DEVRES_RELEASE,
	/* mutex_lock() of a mutex this context holds: the run stops (a
	 * deadlock the kernel would hang in). */
	REFDRV_SELFTEST_MUTEX_TWICE,
	/* mutex_unlock() of a mutex nobody holds: the run stops. */
	REFDRV_SELFTEST_MUTEX_UNLOCK_UNHELD,
	/* A work item queued that calls cancel_work_sync() on itself when it
	 * runs: the run stops there (the kernel would wait forever). Returns
	 * 0; the stop comes when the work runs. */
	REFDRV_SELFTEST_WORK_CANCELS_ITSELF,
	/* A delayed work queued with 10 jiffies, queued again with 1 (false,
	 * not re-armed), then mod_delayed_work() with 20 (true, re-armed): it
	 * runs once, 20 jiffies after, logging "refdrv selftest: delayed work
	 * queued at jiffy A ran at B (queue again: 0, mod: 1)". Returns 0. */
	REFDRV_SELFTEST_DELAYED_WORK_REQUEUE,
	/* schedule_timeout(10) with the task left TASK_RUNNING, then
	 * schedule_timeout_uninterruptible(10), then schedule_timeout(10)
	 * again: logs "refdrv selftest: schedule_timeout running R1 after J1
	 * jiffies, uninterruptible R2 after J2, then running R3 after J3" (the
	 * first and third return 10 at once, the second 0 after sleeping).
	 * Returns 0. */
	REFDRV_SELFTEST_SCHEDULE_TIMEOUT_STATE,
};

/* Advertised-mode bits for REFDRV_OP_KSETTINGS_SET (ethtool's link modes that a
 * Clause-22 PHY knows). */
#define REFDRV_ADV_10HALF   (1u << 0)
#define REFDRV_ADV_10FULL   (1u << 1)
#define REFDRV_ADV_100HALF  (1u << 2)
#define REFDRV_ADV_100FULL  (1u << 3)
#define REFDRV_ADV_1000HALF (1u << 4)
#define REFDRV_ADV_1000FULL (1u << 5)
#define REFDRV_ADV_PAUSE    (1u << 6)
#define REFDRV_ADV_ASYM     (1u << 7)
/* Any 10GBASE-R PMD (SR, LR, LRM, ER): in refdrv_phy_status only. */
#define REFDRV_ADV_10GBASER (1u << 8)

/* A snapshot of what phylib knows about the attached PHY. */
struct refdrv_phy_status {
	int bound;                 /* a driver is bound */
	char driver[64];           /* bound driver's name */
	int impl;                  /* enum refdrv_impl of the bound driver's module */
	unsigned int phy_id;
	int state;                 /* enum phy_state value */
	char state_name[16];       /* phy_state_to_str() */
	int link, speed, duplex, pause, asym_pause;
	int autoneg, autoneg_complete;
	unsigned int supported;    /* REFDRV_ADV_* bits of phydev->supported */
	unsigned int advertising;  /* REFDRV_ADV_* bits of phydev->advertising */
	unsigned int lp_advertising;
	/* The same three link-mode masks whole, as `ethtool -s DEV advertise
	 * MASK` writes them: bit N is ETHTOOL_LINK_MODE_..._BIT = N (the
	 * modes of TP, MII, autoneg and every speed; 103 of them in 6.12). */
	unsigned long long supported_bits[2], advertising_bits[2], lp_advertising_bits[2];
	int carrier;               /* netif_carrier_ok() of the MAC side */
	/* What `ethtool DEV` shows as "Transceiver" once the PHY is attached:
	 * phy_ethtool_ksettings_get()'s phy_is_internal(); 0 when not attached. */
	int transceiver_internal;
	/* The rest of what phy_ethtool_ksettings_get() reports and what the
	 * MAC is connected with: phydev->port, ->mdix_ctrl and ->mdix
	 * (ETH_TP_MDI*), ->master_slave_get and ->master_slave_state
	 * (MASTER_SLAVE_*), ->rate_matching (RATE_MATCH_*) and ->interface
	 * (phy_interface_t). */
	int port, mdix_ctrl, mdix, master_slave_get, master_slave_state;
	int rate_matching, interface;
};

/* enum refdrv_callback: see refdrv_phy_callbacks.h. */

/* The phy_drivers one module may register (6.12's largest, broadcom.c and
 * marvell.c, have about 30); registering more stops the image. */
#define REFDRV_MAX_MODULE_DRIVERS 64

/* Module information as `modinfo` shows it. */
struct refdrv_module_info {
	const char *name;          /* e.g. "ax88796b", "rust_asix_phy" */
	const char *source;        /* e.g. "drivers/net/phy/ax88796b.c" */
	const char *kconfig;       /* e.g. "AX88796B_PHY"; NULL if not a reference group */
	int impl;                  /* enum refdrv_impl */
	const char *author, *description, *license;
	unsigned int ndrivers;
	const char *drivers[REFDRV_MAX_MODULE_DRIVERS]; /* names of the phy_drivers it registers */
	unsigned int nids;
	unsigned int ids[REFDRV_MAX_MODULE_DRIVERS], masks[REFDRV_MAX_MODULE_DRIVERS]; /* (phy_id, phy_id_mask) */
	unsigned int callbacks[REFDRV_MAX_MODULE_DRIVERS]; /* per driver: 1 << enum refdrv_callback it implements */
	/* Per driver: its struct phy_driver's flags, and which of its function
	 * pointer members it sets (every member after driver_data, in the
	 * tree's declaration order: bit i for the i-th, member_slots of them),
	 * all of them, traced or not. */
	unsigned int flags[REFDRV_MAX_MODULE_DRIVERS];
	unsigned long long members[REFDRV_MAX_MODULE_DRIVERS];
	unsigned int member_slots;
};

struct refdrv_kinst;       /* a kernel-side instance (bus, MAC side) */
struct refdrv_foreign_module; /* see refdrv_phy_helpers.h */
struct refdrv_phy_helpers;    /* see refdrv_phy_helpers.h */

/* What the kernel side offers the host. */
/*
 * Where a coverage build's __sanitizer_cov_trace_pc() records the basic
 * blocks that ran (refdrv_kernel_ops.set_coverage). The host owns it and
 * everything it points to; the kernel side only writes.
 *
 * Each block gets the next free counter the first time it runs, so the
 * counters a fuzzer scans after every input are as many as blocks were ever
 * reached (hundreds), not a table sized for every block of every tree, and
 * no two blocks share one. A counter is a flag, set to 1, not a count: hit
 * counts of phylib's once-a-second poll would reward ever longer waits.
 *
 * A block is the return address of its call to __sanitizer_cov_trace_pc().
 * `slots` has one entry per 4 bytes of the kernel side's text from `text`
 * (its load address): the counter of the block whose return address is
 * there, + 1; 0 while the block has not run; 0xffff when it first ran with
 * every counter taken. Calls are at least 5 bytes, so two blocks never
 * share an entry.
 */
struct refdrv_coverage {
	unsigned char *counters;
	unsigned long size;		/* how many counters, at most 0xfffe */
	unsigned short *slots;
	unsigned long nslots;
	unsigned long text;
	unsigned long used;		/* counters given to a block so far */
	unsigned long missed;		/* blocks that found every counter taken (or ran
					 * outside the slots: a host that mapped too little) */
};

struct refdrv_kernel_ops {
	unsigned int abi_version;
	const char *uts_release;   /* the tree's UTS_RELEASE */

	/* Runs the initcalls (phylib, then the drivers) on behalf of `cookie`.
	 * Returns 0 or a negative errno. */
	int (*image_init)(void *cookie);
	/* Unregisters every module (foreign ones first), running the exitcalls. */
	void (*image_exit)(void *cookie);

	unsigned int (*module_count)(void);
	int (*module_info)(unsigned int idx, struct refdrv_module_info *out);
	/* Registers a module built with the host (the C++ drivers). */
	int (*register_foreign_module)(void *cookie, const struct refdrv_foreign_module *mod);
	void (*unregister_foreign_module)(void *cookie, const struct refdrv_foreign_module *mod);

	/* Creates an MDIO bus and registers it (the real scan and probe run). */
	struct refdrv_kinst *(*instance_create)(void *cookie, const struct refdrv_instance_config *cfg, int *err);
	void (*instance_destroy)(struct refdrv_kinst *ki);
	int (*instance_op)(struct refdrv_kinst *ki, int op, long a, long b, long c, long d);
	int (*instance_status)(struct refdrv_kinst *ki, struct refdrv_phy_status *out);
	/* Runs a due event (see host_ops.event_schedule) for `cookie`; `ki` is
	 * the instance it belongs to, NULL for the image's own events. */
	void (*run_event)(void *cookie, struct refdrv_kinst *ki, void (*fn)(void *key), void *key);
	/* After host_ops.fatal unwound out of the kernel side: forget the
	 * execution context and release every mutex the abandoned code held, so
	 * other instances can go on. The abandoned instance must not be used
	 * again (destroying it is best effort). */
	void (*abandon)(struct refdrv_kinst *ki);

	const struct refdrv_phy_helpers *phy_helpers;

	/* Coverage feedback for fuzzers. A kernel side built with coverage
	 * (kernel::BuildOptions::coverage) has the tree's phylib and C drivers
	 * compiled with -fsanitize-coverage=trace-pc (its Rust drivers with
	 * LLVM's equivalent): while a struct refdrv_coverage is set, every basic
	 * block they run sets its counter to 1 (see there). NULL turns it off. */
	void (*set_coverage)(struct refdrv_coverage *coverage);

	/* A ud2 trapped at `pc` in kernel-side code (x86's BUG() and WARN()),
	 * called while the context that hit it is current: looks `pc` up in
	 * the __bug_table as the kernel's report_bug() does and prints what
	 * the kernel prints. 1: a WARN (resume after the ud2); 2: a BUG (`what`
	 * holds "kernel BUG at file:line!"); 0: not a bug site. */
	int (*report_bug)(unsigned long pc, char *what, unsigned long size);

	/* After a store host_ops->watch asked for, in the storing context:
	 * reports the watched PHY's state if it changed. */
	void (*observe)(void);

	/* Since the image was loaded, per enum refdrv_callback: how many calls
	 * phylib made to a driver's callback while the calling context held
	 * that phy_device's lock (`locked`), and how many without
	 * (`unlocked`). Both arrays have REFDRV_CB_COUNT entries. */
	void (*callback_locking)(unsigned long *locked, unsigned long *unlocked);

	/* The part of the kernel side's writable data that only changes while
	 * modules are loaded, registered or unregistered (the module table),
	 * never while an instance runs: a snapshot (host/kernel_image.hpp)
	 * need not copy it. */
	void (*load_time_data)(const void **start, unsigned long *len);
};

/* The one symbol the kernel-side shared object exports. */
const struct refdrv_kernel_ops *refdrv_kernel_entry(const struct refdrv_host_ops *host);
typedef const struct refdrv_kernel_ops *(*refdrv_kernel_entry_fn)(const struct refdrv_host_ops *host);

#ifdef __cplusplus
}
#endif

#endif /* REFDRV_ABI_H */
