/* SPDX-License-Identifier: GPL-2.0 */
/* Deliberately broken drivers for the containment tests, and the PHY IDs
 * (generic models given these IDs) they bind to. */
#ifndef REFDRV_TEST_DRIVERS_H
#define REFDRV_TEST_DRIVERS_H

#define REFDRV_TEST_PHY_NULL_DEREF 0x0bad0001u  /* C: NULL dereference in read_status */
#define REFDRV_TEST_PHY_BUSY_LOOP 0x0bad0002u   /* C++: read_status spins forever */
#define REFDRV_TEST_PHY_MDIO_LOOP 0x0bad0003u   /* C++: read_status polls BMSR forever */

#ifdef __cplusplus
extern "C" {
#endif
struct refdrv_foreign_module;
extern const struct refdrv_foreign_module refdrv_test_broken_c_module;
#ifdef __cplusplus
}
#endif

#endif
