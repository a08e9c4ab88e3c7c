/* SPDX-License-Identifier: GPL-2.0 */
/* Test drivers: deliberately broken ones for the containment tests, one with
 * every C++ callback for the locking test, and the PHY IDs
 * (generic models given these IDs) they bind to. */
#ifndef REFDRV_TEST_DRIVERS_H
#define REFDRV_TEST_DRIVERS_H

#define REFDRV_TEST_PHY_NULL_DEREF 0x0bad0001u  /* C: NULL dereference in read_status */
#define REFDRV_TEST_PHY_BUSY_LOOP 0x0bad0002u   /* C++: read_status spins forever */
#define REFDRV_TEST_PHY_MDIO_LOOP 0x0bad0003u   /* C++: read_status polls BMSR forever */
#define REFDRV_TEST_PHY_EVERY_CALLBACK 0x0bad0004u /* C++: every callback the abstractions offer */
#define REFDRV_TEST_PHY_THROWS 0x0bad0005u         /* C++: read_status throws */
#define REFDRV_TEST_PHY_CRASH_ON_ERROR 0x0bad0006u /* C: NULL dereference in read_status on an MDIO error */

#ifdef __cplusplus
extern "C" {
#endif
struct refdrv_foreign_module;
extern const struct refdrv_foreign_module refdrv_test_broken_c_module;
#ifdef __cplusplus
}
#endif

#endif
