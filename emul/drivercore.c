// SPDX-License-Identifier: GPL-2.0
/*
 * drivercore.c - the subset of drivers/base that phylib uses: buses, classes,
 * drivers, devices, binding, reference counting and managed resources.
 *
 * Binding follows drivers/base/dd.c: drivers are tried in registration order,
 * the bus's match() decides, a probe that fails lets the next driver try, a
 * negative match result stops the search.  refdrv adds one rule, the runtime
 * form of the Makefile's "exactly one of ax88796b.o / ax88796b_rust.o": a
 * driver from a module that is one implementation of a reference-driver
 * group binds only devices of instances that selected that implementation.
 */
#include <linux/device.h>
#include <linux/device/bus.h>
#include <linux/device/class.h>
#include <linux/device/driver.h>
#include <linux/kobject.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/list.h>
#include <linux/mdio.h>
#include <linux/phy.h>

#include "emul.h"

/* The kernel's own device_private lives in drivers/base/base.h; this is
 * refdrv's, reached the same way, through dev->p. */
struct device_private {
	struct device *device;
	struct list_head bus_node;
	struct list_head class_node;
	struct refdrv_kinst *ki;
};

struct driver_private {
	struct device_driver *driver;
	struct list_head bus_node;
	struct emul_module *module;
};

struct emul_bus {
	const struct bus_type *bus;
	struct list_head devices;
	struct list_head drivers;
};

struct emul_class {
	const struct class *cls;
	struct list_head devices;
};

#define EMUL_MAX_BUSES 8
#define EMUL_MAX_CLASSES 8

static struct emul_bus emul_buses[EMUL_MAX_BUSES];
static struct emul_class emul_classes[EMUL_MAX_CLASSES];

static struct emul_bus *emul_find_bus(const struct bus_type *bus)
{
	unsigned int i;

	for (i = 0; i < EMUL_MAX_BUSES; i++)
		if (emul_buses[i].bus == bus)
			return &emul_buses[i];
	return NULL;
}

static struct emul_class *emul_find_class(const struct class *cls)
{
	unsigned int i;

	for (i = 0; i < EMUL_MAX_CLASSES; i++)
		if (emul_classes[i].cls == cls)
			return &emul_classes[i];
	return NULL;
}

struct emul_module *emul_driver_module(const struct device_driver *drv)
{
	return drv->p ? drv->p->module : NULL;
}

struct refdrv_kinst *emul_device_instance(const struct device *dev)
{
	for (; dev; dev = dev->parent)
		if (dev->p && dev->p->ki)
			return dev->p->ki;
	return NULL;
}

/*
 * Kconfig's choice, made per instance: a driver module built for a Kconfig
 * symbol (drivers/net/phy/Makefile's obj-$(CONFIG_X)) may bind only if it is
 * the implementation the instance selected, or if no module of the selected
 * implementation exists for that symbol (the kernel would then build the one
 * that exists). Selecting no implementation leaves every such driver out, as
 * CONFIG_X=n would: only phylib's generic drivers remain.
 */
bool emul_driver_eligible(const struct device_driver *drv, const struct device *dev)
{
	struct emul_module *m = emul_driver_module(drv);
	struct refdrv_kinst *ki = emul_device_instance(dev);
	const char *kconfig;
	int want;

	if (!m || !ki || !(kconfig = emul_module_kconfig(m)))
		return true;
	want = emul_kinst_impl(ki);
	if (want == REFDRV_IMPL_NONE)
		return false;
	return emul_module_impl(m) == want || !emul_kconfig_has_impl(kconfig, want);
}

/* ---- buses and classes ---- */

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
int bus_register(const struct bus_type *bus)
#else
int bus_register(struct bus_type *bus)
#endif
{
	unsigned int i;

	for (i = 0; i < EMUL_MAX_BUSES; i++) {
		if (emul_buses[i].bus)
			continue;
		emul_buses[i].bus = bus;
		INIT_LIST_HEAD(&emul_buses[i].devices);
		INIT_LIST_HEAD(&emul_buses[i].drivers);
		return 0;
	}
	emul_fatal("unemulated kernel function bus_register() was called (for %s, beyond the %d buses refdrv has room for)",
		   bus->name, EMUL_MAX_BUSES);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
void bus_unregister(const struct bus_type *bus)
#else
void bus_unregister(struct bus_type *bus)
#endif
{
	struct emul_bus *b = emul_find_bus(bus);

	if (!b)
		return;
	if (!list_empty(&b->devices) || !list_empty(&b->drivers))
		emul_warn("bus_unregister() with devices or drivers left", bus->name);
	b->bus = NULL;
}

static int emul_class_register(const struct class *cls)
{
	unsigned int i;

	for (i = 0; i < EMUL_MAX_CLASSES; i++) {
		if (emul_classes[i].cls)
			continue;
		emul_classes[i].cls = cls;
		INIT_LIST_HEAD(&emul_classes[i].devices);
		return 0;
	}
	emul_fatal("unemulated kernel function class_register() was called (for %s, beyond the %d classes refdrv has room for)",
		   cls->name, EMUL_MAX_CLASSES);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
int class_register(const struct class *cls)
{
	return emul_class_register(cls);
}

void class_unregister(const struct class *cls)
#else
int __class_register(struct class *cls, struct lock_class_key *key)
{
	return emul_class_register(cls);
}

void class_unregister(struct class *cls)
#endif
{
	struct emul_class *c = emul_find_class(cls);

	if (c)
		c->cls = NULL;
}

/* ---- reference counting ---- */

void device_initialize(struct device *dev)
{
	kref_init(&dev->kobj.kref);
	dev->kobj.state_initialized = 1;
	INIT_LIST_HEAD(&dev->kobj.entry);
	INIT_LIST_HEAD(&dev->devres_head);
	spin_lock_init(&dev->devres_lock);
	mutex_init(&dev->mutex);
}

struct device *get_device(struct device *dev)
{
	if (dev)
		kref_get(&dev->kobj.kref);
	return dev;
}

static void emul_device_release(struct kref *kref)
{
	struct device *dev = container_of(kref, struct device, kobj.kref);
	struct device_private *p = dev->p;
	const char *name = dev->kobj.name;

	devres_release_all(dev);
	if (dev->release)
		dev->release(dev);
	else if (dev->type && dev->type->release)
		dev->type->release(dev);
	else if (dev->class && dev->class->dev_release)
		dev->class->dev_release(dev);
	else
		emul_warn("device has no release() function", name ? name : "(no name)");
	kfree(p);
	kfree_const(name);
}

void put_device(struct device *dev)
{
	if (dev)
		kref_put(&dev->kobj.kref, emul_device_release);
}

int dev_set_name(struct device *dev, const char *fmt, ...)
{
	const char *old = dev->kobj.name;
	const char *name;
	va_list args;

	va_start(args, fmt);
	name = kvasprintf_const(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!name)
		return -ENOMEM;
	dev->kobj.name = name;
	kfree_const(old);
	return 0;
}

/* ---- binding ---- */

static void emul_driver_bound(struct device *dev)
{
	struct device_driver *drv = dev->driver;
	struct emul_module *m = emul_driver_module(drv);
	int addr = -1;

	if (dev->bus == &mdio_bus_type)
		addr = to_mdio_device(dev)->addr;
	emul_trace(REFDRV_TR_BIND, addr, drv->name, m ? emul_module_name(m) : NULL,
		   m ? emul_module_impl(m) : REFDRV_IMPL_NONE);
}

static void emul_unbind_cleanup(struct device *dev)
{
	devres_release_all(dev);
	dev->driver = NULL;
	dev_set_drvdata(dev, NULL);
}

/* really_probe(): positive errno on a failed probe, 0 when bound. */
static int emul_really_probe(struct device *dev, struct device_driver *drv)
{
	int ret = 0;

	if (!list_empty(&dev->devres_head)) {
		dev_crit(dev, "Resources present before probing\n");
		return -EBUSY;  /* not the probe's error: the search for a driver stops */
	}
	dev->driver = drv;
	if (dev->bus->probe)
		ret = dev->bus->probe(dev);
	else if (drv->probe)
		ret = drv->probe(dev);

	switch (ret) {
	case 0:
		emul_driver_bound(dev);
		return 0;
	case -EPROBE_DEFER:
		/* A debug message in the kernel, so none here; never retried here. */
		dev_dbg(dev, "Driver %s requests probe deferral\n", drv->name);
		break;
	case -ENODEV:
	case -ENXIO:
		dev_dbg(dev, "probe with driver %s rejects match %d\n", drv->name, ret);
		break;
	default:
		dev_err(dev, "probe with driver %s failed with error %d\n", drv->name, ret);
		break;
	}
	emul_unbind_cleanup(dev);
	return -ret;
}

/* __device_attach_driver(): 1 = bound (stop), 0 = try the next driver,
 * negative = stop with that error. */
static int emul_attach_one(struct device *dev, struct device_driver *drv)
{
	int ret;

	if (!emul_driver_eligible(drv, dev))
		return 0;
	if (drv->bus == &mdio_bus_type && (to_mdio_common_driver(drv)->flags & MDIO_DEVICE_IS_PHY))
		emul_set_matching_driver(to_phy_driver(drv));
	ret = dev->bus->match ? dev->bus->match(dev, drv) : 1;
	if (ret == 0)
		return 0;
	if (ret < 0)
		return ret;
	ret = emul_really_probe(dev, drv);
	if (ret < 0)
		return ret;
	return ret == 0;
}

static void emul_device_attach(struct device *dev)
{
	struct emul_bus *b = emul_find_bus(dev->bus);
	struct driver_private *dp;

	if (!b || dev->driver)
		return;
	list_for_each_entry(dp, &b->drivers, bus_node)
		if (emul_attach_one(dev, dp->driver))
			return;
}

int device_bind_driver(struct device *dev)
{
	emul_driver_bound(dev);
	return 0;
}

void device_release_driver(struct device *dev)
{
	struct device_driver *drv = dev->driver;

	if (!drv)
		return;
	emul_trace(REFDRV_TR_UNBIND, -1, drv->name, NULL, 0);
	if (dev->bus && dev->bus->remove)
		dev->bus->remove(dev);
	else if (drv->remove)
		drv->remove(dev);
	emul_unbind_cleanup(dev);
}

/*
 * struct phy_driver's function pointers are every member after driver_data
 * (both trees refdrv builds declare them last): their number, and which of
 * them a driver sets, read before emul_wrap_phy_driver() puts refdrv's
 * tracing wrappers in. The host names them from the tree's phy.h.
 */
#define EMUL_PHY_DRIVER_FIRST_MEMBER (offsetof(struct phy_driver, driver_data) + sizeof(void *))

unsigned int emul_phy_driver_member_slots(void)
{
	BUILD_BUG_ON((sizeof(struct phy_driver) - EMUL_PHY_DRIVER_FIRST_MEMBER) % sizeof(void *) != 0);
	BUILD_BUG_ON((sizeof(struct phy_driver) - EMUL_PHY_DRIVER_FIRST_MEMBER) / sizeof(void *) > 64);
	return (sizeof(struct phy_driver) - EMUL_PHY_DRIVER_FIRST_MEMBER) / sizeof(void *);
}

unsigned long long emul_phy_driver_members(const struct phy_driver *drv)
{
	unsigned long long set = 0;
	unsigned int i;

	for (i = 0; i < emul_phy_driver_member_slots(); i++) {
		const void *p;

		memcpy(&p, (const char *)drv + EMUL_PHY_DRIVER_FIRST_MEMBER + i * sizeof(void *), sizeof(p));
		if (p)
			set |= 1ULL << i;
	}
	return set;
}

/*
 * driver_find() as driver_register() uses it: the bus's driver of that name.
 * One exception, refdrv's: the implementations of one driver group (the C
 * and Rust Asix drivers, the C++ one) are alternatives Kconfig builds one of,
 * loaded side by side here and each bound only by its own instances
 * (emul_driver_eligible()), so they may share their names. Any other pair
 * of drivers of one name is what the kernel refuses.
 */
static struct device_driver *emul_driver_find(struct emul_bus *b, const struct device_driver *drv,
					      const struct emul_module *mine)
{
	struct driver_private *dp;

	list_for_each_entry(dp, &b->drivers, bus_node) {
		const struct device_driver *other = dp->driver;
		const struct emul_module *theirs = dp->module;

		if (!other->name)
			continue;
		/*
		 * kset_find_obj() compares each name on the bus with strcmp():
		 * a driver without a name faults there, as on a kernel, where
		 * phylib's generic drivers are always on the bus before it.
		 */
		if (!drv->name)
			(void)READ_ONCE(*drv->name);
		if (strcmp(other->name, drv->name))
			continue;
		if (mine && theirs && emul_module_kconfig(mine) && emul_module_kconfig(theirs) &&
		    !strcmp(emul_module_kconfig(mine), emul_module_kconfig(theirs)) &&
		    emul_module_impl(mine) != emul_module_impl(theirs))
			continue;
		return dp->driver;
	}
	return NULL;
}

int driver_register(struct device_driver *drv)
{
	struct emul_bus *b = emul_find_bus(drv->bus);
	struct emul_module *mine = emul_module_current();
	struct device_private *p;
	struct driver_private *dp;

	/*
	 * The kernel refuses a bus not registered (-EINVAL, "was unable to
	 * register"); here such a bus is one refdrv does not emulate (SPI,
	 * I2C, ...), on a kernel registered before any driver: refdrv's gap,
	 * not the driver's registration failing.
	 */
	if (!b)
		emul_fatal("unemulated kernel function driver_register() was called (for %s, on bus %s, which refdrv "
			   "does not register)",
			   drv->name ?: "(no name)", drv->bus ? drv->bus->name : "(none)");
	if (emul_driver_find(b, drv, mine)) {
		pr_err("Error: Driver '%s' is already registered, aborting...\n", drv->name);
		return -EBUSY;
	}
	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return -ENOMEM;
	dp->driver = drv;
	dp->module = mine;
	drv->p = dp;
	list_add_tail(&dp->bus_node, &b->drivers);

	if (drv->bus == &mdio_bus_type) {
		struct mdio_driver_common *mdiodrv = to_mdio_common_driver(drv);

		if (mdiodrv->flags & MDIO_DEVICE_IS_PHY) {
			struct phy_driver *phydrv = to_phy_driver(drv);

			if (dp->module)
				emul_module_add_driver(dp->module, drv->name, phydrv->phy_id,
						       phydrv->phy_id_mask,
						       emul_phy_driver_callbacks(phydrv), phydrv->flags,
						       emul_phy_driver_members(phydrv));
			emul_wrap_phy_driver(phydrv);
		}
	}

	/* driver_attach(): offer the new driver every unbound device. */
	list_for_each_entry(p, &b->devices, bus_node)
		if (!p->device->driver)
			emul_attach_one(p->device, drv);
	return 0;
}

void driver_unregister(struct device_driver *drv)
{
	struct emul_bus *b = emul_find_bus(drv->bus);
	struct driver_private *dp = drv->p;
	struct device_private *p;

	if (!b || !dp)
		return;
	list_for_each_entry(p, &b->devices, bus_node)
		if (p->device->driver == drv)
			device_release_driver(p->device);
	list_del(&dp->bus_node);
	if (drv->bus == &mdio_bus_type &&
	    (to_mdio_common_driver(drv)->flags & MDIO_DEVICE_IS_PHY)) {
		if (dp->module)
			emul_module_remove_driver(dp->module, drv->name, to_phy_driver(drv)->phy_id);
		emul_unwrap_phy_driver(to_phy_driver(drv));
	}
	drv->p = NULL;
	kfree(dp);
}

/* ---- devices ---- */

/*
 * The bus and class lists outlive instances while their nodes live in an
 * instance's heap: a node an ended instance left behind would be written
 * through by the next instance that reuses the heap. Before an insertion
 * the whole list is walked (it holds a few devices) and each link checked
 * both ways, as CONFIG_DEBUG_LIST checks the two nodes an insertion
 * touches, and the node must not be on it already: a leftover anywhere on
 * it stops the run as refdrv's fault instead of corrupting it quietly.
 */
static void emul_list_append(struct list_head *node, struct list_head *head, const char *what, const char *name)
{
	struct list_head *p = head;
	unsigned int n = 0;

	do {
		if (!p->next || p->next->prev != p || p->next == node || ++n > 4096)
			emul_fatal("device_add(%s): refdrv's list of the devices %s is corrupt (a device of an ended "
				   "instance is still on it, or this one twice)", name, what);
		p = p->next;
	} while (p != head);
	list_add_tail(node, head);
}

int device_add(struct device *dev)
{
	struct device_private *p;
	int err;

	dev = get_device(dev);
	if (!dev)
		return -EINVAL;
	if (!dev->p) {
		p = kzalloc(sizeof(*p), GFP_KERNEL);
		if (!p) {
			put_device(dev);
			return -ENOMEM;
		}
		p->device = dev;
		INIT_LIST_HEAD(&p->bus_node);
		INIT_LIST_HEAD(&p->class_node);
		dev->p = p;
	}
	p = dev->p;
	if (dev->init_name) {
		err = dev_set_name(dev, "%s", dev->init_name);
		dev->init_name = NULL;
		if (err)
			goto fail;
	}
	if (!dev_name(dev)) {
		err = -EINVAL;
		goto fail;
	}
	get_device(dev->parent);
	p->ki = emul_current.ki;
	dev->kobj.state_in_sysfs = 1;

	if (dev->bus) {
		struct emul_bus *b = emul_find_bus(dev->bus);

		if (!b)
			emul_fatal("device_add(%s) on a bus that is not registered", dev_name(dev));
		emul_list_append(&p->bus_node, &b->devices, "on its bus", dev_name(dev));
	}
	if (dev->class) {
		struct emul_class *c = emul_find_class(dev->class);

		if (!c)
			emul_fatal("device_add(%s) in a class that is not registered", dev_name(dev));
		emul_list_append(&p->class_node, &c->devices, "of its class", dev_name(dev));
	}
	if (dev->bus)
		emul_device_attach(dev);
	err = 0;
fail:
	/* Like the kernel, device_add() holds a reference only while it runs. */
	put_device(dev);
	return err;
}

int device_register(struct device *dev)
{
	device_initialize(dev);
	return device_add(dev);
}

void device_del(struct device *dev)
{
	struct device_private *p = dev->p;
	struct device *parent = dev->parent;

	if (dev->bus)
		device_release_driver(dev);
	if (p) {
		list_del_init(&p->bus_node);
		list_del_init(&p->class_node);
	}
	dev->kobj.state_in_sysfs = 0;
	put_device(parent);
}

void device_unregister(struct device *dev)
{
	device_del(dev);
	put_device(dev);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define EMUL_CONST_BUS const
#else
#define EMUL_CONST_BUS
#endif

struct device *bus_find_device(EMUL_CONST_BUS struct bus_type *bus, struct device *start,
			       const void *data, int (*match)(struct device *dev, const void *data))
{
	struct emul_bus *b = emul_find_bus(bus);
	struct device_private *p;
	bool started = !start;

	if (!b)
		return NULL;
	list_for_each_entry(p, &b->devices, bus_node) {
		if (!started) {
			started = p->device == start;
			continue;
		}
		if (match(p->device, data))
			return get_device(p->device);
	}
	return NULL;
}

struct device *class_find_device(EMUL_CONST_BUS struct class *class, EMUL_CONST_BUS struct device *start,
				 const void *data,
				 int (*match)(struct device *dev, const void *data))
{
	struct emul_class *c = emul_find_class(class);
	struct device_private *p;
	bool started = !start;

	if (!c)
		return NULL;
	list_for_each_entry(p, &c->devices, class_node) {
		if (!started) {
			started = p->device == start;
			continue;
		}
		if (match(p->device, data))
			return get_device(p->device);
	}
	return NULL;
}

int device_match_name(struct device *dev, const void *name)
{
	return sysfs_streq(dev_name(dev), name);
}

/* ---- firmware nodes: refdrv has no OF/ACPI/software nodes ---- */

struct fwnode_handle *__dev_fwnode(struct device *dev)
{
	return dev->fwnode;
}

int device_match_fwnode(struct device *dev, const void *fwnode)
{
	return dev_fwnode(dev) == fwnode;
}

/*
 * Device properties: a device without a firmware node has none. The
 * kernel's answers for a NULL fwnode: not present, -EINVAL on a read.
 * (6.2 made the device argument const.)
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define EMUL_PROP_DEV const struct device
#else
#define EMUL_PROP_DEV struct device
#endif

/*
 * refdrv's limits stop the run as a call of a function it does not emulate
 * (the same words as its stubs'): a gap of refdrv, which no comparison,
 * mutant or fault point takes for the driver's finding.
 */
static void emul_no_fwnode(EMUL_PROP_DEV *dev, const char *fn)
{
	if (dev->fwnode)
		emul_fatal("unemulated kernel function %s() was called (on a firmware node: refdrv has no firmware nodes)", fn);
}

bool device_property_present(EMUL_PROP_DEV *dev, const char *propname)
{
	emul_no_fwnode(dev, __func__);
	return false;
}

int device_property_read_u8_array(EMUL_PROP_DEV *dev, const char *propname, u8 *val, size_t nval)
{
	emul_no_fwnode(dev, __func__);
	return -EINVAL;
}

int device_property_read_u32_array(EMUL_PROP_DEV *dev, const char *propname, u32 *val, size_t nval)
{
	emul_no_fwnode(dev, __func__);
	return -EINVAL;
}

int device_property_read_string(EMUL_PROP_DEV *dev, const char *propname, const char **val)
{
	emul_no_fwnode(dev, __func__);
	return -EINVAL;
}

struct fwnode_handle *fwnode_handle_get(struct fwnode_handle *fwnode)
{
	if (!fwnode)
		return NULL;
	emul_fatal("unemulated kernel function fwnode_handle_get() was called (on a firmware node: refdrv has no firmware nodes)");
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
void fwnode_handle_put(struct fwnode_handle *fwnode)
{
	if (fwnode)
		emul_fatal("unemulated kernel function fwnode_handle_put() was called (on a firmware node: refdrv has no firmware nodes)");
}
#endif

/* ---- managed resources (drivers/base/devres.c) ---- */

struct emul_devres {
	struct list_head node;
	dr_release_t release;
	const char *name;
	/* The payload is aligned as kmalloc memory is. */
	unsigned long long data[] __aligned(ARCH_KMALLOC_MINALIGN);
};

/* A devres node not yet added to a device; its payload zeroed only on
 * __GFP_ZERO. */
static struct emul_devres *emul_devres_node(dr_release_t release, size_t size, gfp_t gfp, const char *name)
{
	struct emul_devres *dr = kmalloc(sizeof(*dr) + size, gfp);

	if (!dr)
		return NULL;
	INIT_LIST_HEAD(&dr->node);
	dr->release = release;
	dr->name = name;
	return dr;
}

void *__devres_alloc_node(dr_release_t release, size_t size, gfp_t gfp, int nid, const char *name)
{
	/* devres_alloc() zeroes, as the kernel's does. */
	struct emul_devres *dr = emul_devres_node(release, size, gfp | __GFP_ZERO, name);

	return dr ? dr->data : NULL;
}

void devres_add(struct device *dev, void *res)
{
	struct emul_devres *dr = container_of(res, struct emul_devres, data);

	if (!list_empty(&dr->node))
		emul_fatal("devres_add() of a resource already added to a device (the kernel BUGs)");
	list_add_tail(&dr->node, &dev->devres_head);
}

void *devres_find(struct device *dev, dr_release_t release, dr_match_t match, void *match_data)
{
	struct emul_devres *dr;

	list_for_each_entry_reverse(dr, &dev->devres_head, node) {
		if (dr->release != release)
			continue;
		if (match && !match(dev, dr->data, match_data))
			continue;
		return dr->data;
	}
	return NULL;
}

void devres_free(void *res)
{
	struct emul_devres *dr;

	if (!res)
		return;
	dr = container_of(res, struct emul_devres, data);
	if (!list_empty(&dr->node))
		emul_fatal("devres_free() of a resource still added to a device (the kernel BUGs)");
	kfree(dr);
}

void devres_release_all(struct device *dev)
{
	struct emul_devres *dr, *tmp;
	LIST_HEAD(todo);

	/* A device structure never initialised: the kernel WARNs too. */
	if (WARN_ON(!dev->devres_head.next))
		return;
	/*
	 * The whole list is taken off the device first, as the kernel's
	 * remove_nodes() does, then released newest first: a release that
	 * looks for another of the device's resources (devm_kfree()) finds
	 * none and WARNs, as there, instead of freeing a node this walk is
	 * about to visit.
	 */
	list_splice_init(&dev->devres_head, &todo);
	list_for_each_entry_safe_reverse(dr, tmp, &todo, node) {
		list_del_init(&dr->node);
		dr->release(dev, dr->data);
		kfree(dr);
	}
}

/*
 * devm_kmalloc(): the allocation is a devres node whose release has nothing
 * more to do (devres_release_all() frees the node). Not zeroed unless the
 * caller asks (__GFP_ZERO, devm_kzalloc()), as in the kernel.
 */
static void emul_devm_kmalloc_release(struct device *dev, void *res)
{
}

void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	struct emul_devres *dr;

	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	dr = emul_devres_node(emul_devm_kmalloc_release, size, gfp, "devm_kzalloc_release");
	if (!dr)
		return NULL;
	devres_add(dev, dr->data);
	return dr->data;
}

void devm_kfree(struct device *dev, const void *p)
{
	struct emul_devres *dr;

	if (ZERO_OR_NULL_PTR(p))
		return;
	list_for_each_entry(dr, &dev->devres_head, node) {
		if (dr->release == emul_devm_kmalloc_release && (const void *)dr->data == p) {
			list_del_init(&dr->node);
			kfree(dr);
			return;
		}
	}
	/* The kernel WARNs on memory that is not a managed allocation of dev. */
	WARN_ON(1);
}

struct emul_action {
	void (*action)(void *);
	void *data;
};

static void emul_devm_action_release(struct device *dev, void *res)
{
	struct emul_action *a = res;

	a->action(a->data);
}

int __devm_add_action(struct device *dev, void (*action)(void *), void *data, const char *name)
{
	struct emul_action *a = __devres_alloc_node(emul_devm_action_release, sizeof(*a),
						   GFP_KERNEL, NUMA_NO_NODE, name);

	if (!a)
		return -ENOMEM;
	a->action = action;
	a->data = data;
	devres_add(dev, a);
	return 0;
}

/* After an instance was abandoned (its code stopped half-way), unlink its
 * devices so that walks over buses and classes never reach its memory. */
void emul_drivercore_forget_instance(struct refdrv_kinst *ki)
{
	unsigned int i;

	for (i = 0; i < EMUL_MAX_BUSES; i++) {
		struct device_private *p, *tmp;

		if (!emul_buses[i].bus)
			continue;
		list_for_each_entry_safe(p, tmp, &emul_buses[i].devices, bus_node)
			if (emul_device_instance(p->device) == ki)
				list_del_init(&p->bus_node);
	}
	for (i = 0; i < EMUL_MAX_CLASSES; i++) {
		struct device_private *p, *tmp;

		if (!emul_classes[i].cls)
			continue;
		list_for_each_entry_safe(p, tmp, &emul_classes[i].devices, class_node)
			if (emul_device_instance(p->device) == ki)
				list_del_init(&p->class_node);
	}
}

#ifndef devm_add_action
/* Before __devm_add_action() took a name, this was the function. */
int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	return __devm_add_action(dev, action, data, "devm_add_action");
}
#endif
