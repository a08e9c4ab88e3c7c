/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deliberately broken C PHY driver for the containment tests: its
 * read_status dereferences a NULL pointer, the way a driver does that reads
 * private data its probe never allocated. It binds only to the test PHY ID
 * 0x0bad0001 (a generic model with that ID), so it never meets the Asix
 * models. It is registered as a foreign module: its code runs outside the
 * kernel image, so the fault is not a contained kernel oops but takes the
 * process down, and only fork containment can turn it into a finding.
 */
#include "refdrv_abi.h"
#include "refdrv_phy_helpers.h"
#include "test_drivers.h"

struct broken_priv {
	int last_link;
};

/* Meant to be set by a probe the driver forgot to write: stays NULL. Not
 * static, so the compiler cannot see it is always NULL. */
struct broken_priv *refdrv_test_broken_priv;

static int broken_read_status(struct refdrv_phy *dev, const struct refdrv_phy_helpers *h)
{
	struct broken_priv *priv = refdrv_test_broken_priv;
	int err = h->genphy_read_status(dev);

	if (err < 0)
		return err;
	priv->last_link = h->link(dev); /* the bug: priv is NULL */
	return 0;
}

/* The same bug on the error path only: it shows when an access fails (the
 * fault sweep's), never in a run without a fault. */
static int broken_on_error_read_status(struct refdrv_phy *dev, const struct refdrv_phy_helpers *h)
{
	struct broken_priv *priv = refdrv_test_broken_priv;
	int err = h->genphy_read_status(dev);

	if (err < 0)
		priv->last_link = err; /* the bug: priv is NULL */
	return err;
}

static const struct refdrv_foreign_driver broken_drivers[] = {
	{
		.name = "refdrv test: NULL dereference in read_status",
		.phy_id = REFDRV_TEST_PHY_NULL_DEREF,
		.phy_id_mask = 0xffffffff,
		.read_status = broken_read_status,
	},
	{
		.name = "refdrv test: NULL dereference in read_status on an error",
		.phy_id = REFDRV_TEST_PHY_CRASH_ON_ERROR,
		.phy_id_mask = 0xffffffff,
		.read_status = broken_on_error_read_status,
	},
};

static const unsigned int broken_ids[] = {REFDRV_TEST_PHY_NULL_DEREF, REFDRV_TEST_PHY_CRASH_ON_ERROR};
static const unsigned int broken_masks[] = {0xffffffff, 0xffffffff};

const struct refdrv_foreign_module refdrv_test_broken_c_module = {
	.name = "refdrv_test_broken_c",
	.source = "tests/drivers/broken_c.c",
	.kconfig = "REFDRV_TEST_BROKEN_PHY",
	.impl = REFDRV_IMPL_C,
	.author = "refdrv developers",
	.description = "Test drivers that dereference NULL in read_status",
	.license = "GPL",
	.ndrivers = 2,
	.drivers = broken_drivers,
	.nids = 2,
	.ids = broken_ids,
	.masks = broken_masks,
};
