// SPDX-License-Identifier: GPL-2.0

//! PHY registers of the Clause-22 and Clause-45 namespaces (IEEE 802.3).

use super::Device;
use crate::{
    bindings,
    error::{to_result, Result},
    uapi,
};

mod private {
    /// Seals [`super::Register`].
    pub trait Sealed {}
}

/// Accesses PHY registers; implemented by [`C22`] and [`C45`] only.
pub trait Register: private::Sealed {
    /// Reads the register.
    fn read(&self, dev: &mut Device) -> Result<u16>;

    /// Writes the register.
    fn write(&self, dev: &mut Device, val: u16) -> Result;

    /// Reads the status registers of this namespace and updates the state.
    fn read_status(dev: &mut Device) -> Result<u16>;
}

/// A Clause-22 register (22.2.4).
#[derive(Copy, Clone, Debug)]
pub struct C22(u8);

/// Compile-time range check of vendor-specific register numbers.
struct VendorSpecific<const N: u8>;

impl<const N: u8> VendorSpecific<N> {
    const CHECK: () = assert!(N > 0x0f && N < 0x20, "Vendor-specific register address must be between 16 and 31");
}

impl C22 {
    /// Basic mode control.
    pub const BMCR: Self = C22(0x00);
    /// Basic mode status.
    pub const BMSR: Self = C22(0x01);
    /// PHY identifier 1.
    pub const PHYSID1: Self = C22(0x02);
    /// PHY identifier 2.
    pub const PHYSID2: Self = C22(0x03);
    /// Auto-negotiation advertisement.
    pub const ADVERTISE: Self = C22(0x04);
    /// Link partner ability.
    pub const LPA: Self = C22(0x05);
    /// Auto-negotiation expansion.
    pub const EXPANSION: Self = C22(0x06);
    /// Next page transmit.
    pub const NEXT_PAGE_TRANSMIT: Self = C22(0x07);
    /// Link partner received next page.
    pub const LP_RECEIVED_NEXT_PAGE: Self = C22(0x08);
    /// Master-slave control (1000BASE-T control).
    pub const MASTER_SLAVE_CONTROL: Self = C22(0x09);
    /// Master-slave status (1000BASE-T status).
    pub const MASTER_SLAVE_STATUS: Self = C22(0x0a);
    /// PSE control.
    pub const PSE_CONTROL: Self = C22(0x0b);
    /// PSE status.
    pub const PSE_STATUS: Self = C22(0x0c);
    /// MMD access control.
    pub const MMD_CONTROL: Self = C22(0x0d);
    /// MMD access data.
    pub const MMD_DATA: Self = C22(0x0e);
    /// Extended status.
    pub const EXTENDED_STATUS: Self = C22(0x0f);

    /// A vendor-specific register (16..31), checked at compile time.
    pub const fn vendor_specific<const N: u8>() -> Self {
        #[allow(clippy::let_unit_value)]
        let () = VendorSpecific::<N>::CHECK;
        C22(N)
    }
}

impl private::Sealed for C22 {}

impl Register for C22 {
    fn read(&self, dev: &mut Device) -> Result<u16> {
        // SAFETY: the `Device` invariant makes the pointer valid; this is
        // `phy_read()`, i.e. `mdiobus_read(bus, addr, reg)`.
        let ret = unsafe { bindings::refdrv_phy_read(dev.raw(), self.0.into()) };
        to_result(ret)?;
        Ok(ret as u16)
    }

    fn write(&self, dev: &mut Device, val: u16) -> Result {
        // SAFETY: the `Device` invariant; this is `phy_write()`.
        to_result(unsafe { bindings::refdrv_phy_write(dev.raw(), self.0.into(), val) })
    }

    fn read_status(dev: &mut Device) -> Result<u16> {
        // SAFETY: the `Device` invariant; it is just an FFI call.
        let ret = unsafe { bindings::refdrv_phy_genphy_read_status(dev.raw()) };
        to_result(ret)?;
        Ok(ret as u16)
    }
}

/// A Clause-45 MDIO manageable device (MMD).
#[derive(Copy, Clone, Debug)]
pub struct Mmd(u8);

impl Mmd {
    /// Physical Medium Attachment/Dependent.
    pub const PMAPMD: Self = Mmd(uapi::MDIO_MMD_PMAPMD as u8);
    /// WAN interface sublayer.
    pub const WIS: Self = Mmd(uapi::MDIO_MMD_WIS as u8);
    /// Physical coding sublayer.
    pub const PCS: Self = Mmd(uapi::MDIO_MMD_PCS as u8);
    /// PHY extender sublayer.
    pub const PHYXS: Self = Mmd(uapi::MDIO_MMD_PHYXS as u8);
    /// DTE extender sublayer.
    pub const DTEXS: Self = Mmd(uapi::MDIO_MMD_DTEXS as u8);
    /// Transmission convergence.
    pub const TC: Self = Mmd(uapi::MDIO_MMD_TC as u8);
    /// Auto-negotiation.
    pub const AN: Self = Mmd(uapi::MDIO_MMD_AN as u8);
    /// Separated PMA (1).
    pub const SEPARATED_PMA1: Self = Mmd(8);
    /// Separated PMA (2).
    pub const SEPARATED_PMA2: Self = Mmd(9);
    /// Separated PMA (3).
    pub const SEPARATED_PMA3: Self = Mmd(10);
    /// Separated PMA (4).
    pub const SEPARATED_PMA4: Self = Mmd(11);
    /// OFDM PMA/PMD.
    pub const OFDM_PMAPMD: Self = Mmd(12);
    /// Power unit.
    pub const POWER_UNIT: Self = Mmd(13);
    /// Clause 22 extension.
    pub const C22_EXT: Self = Mmd(uapi::MDIO_MMD_C22EXT as u8);
    /// Vendor specific 1.
    pub const VEND1: Self = Mmd(uapi::MDIO_MMD_VEND1 as u8);
    /// Vendor specific 2.
    pub const VEND2: Self = Mmd(uapi::MDIO_MMD_VEND2 as u8);
}

/// A Clause-45 register: an MMD and a register number.
pub struct C45 {
    devad: Mmd,
    regnum: u16,
}

impl C45 {
    /// Register `regnum` of MMD `devad`.
    pub fn new(devad: Mmd, regnum: u16) -> Self {
        Self { devad, regnum }
    }
}

impl private::Sealed for C45 {}

impl Register for C45 {
    fn read(&self, dev: &mut Device) -> Result<u16> {
        // SAFETY: the `Device` invariant; it is just an FFI call.
        let ret = unsafe { bindings::refdrv_phy_read_mmd(dev.raw(), self.devad.0.into(), self.regnum.into()) };
        to_result(ret)?;
        Ok(ret as u16)
    }

    fn write(&self, dev: &mut Device, val: u16) -> Result {
        // SAFETY: the `Device` invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_write_mmd(dev.raw(), self.devad.0.into(), self.regnum.into(), val) })
    }

    fn read_status(dev: &mut Device) -> Result<u16> {
        // SAFETY: the `Device` invariant; it is just an FFI call.
        let ret = unsafe { bindings::refdrv_phy_genphy_c45_read_status(dev.raw()) };
        to_result(ret)?;
        Ok(ret as u16)
    }
}
