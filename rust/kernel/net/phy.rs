// SPDX-License-Identifier: GPL-2.0

//! Network PHY devices: the API of Linux 6.12's `kernel::net::phy`.
//!
//! A driver implements [`Driver`] for each PHY type and declares them with
//! [`module_phy_driver!`](crate::module_phy_driver). phylib calls the
//! driver through C callbacks that refdrv's helpers forward to the
//! [`Adapter`] below; the driver only ever sees a [`Device`].

use crate::{
    bindings, device,
    error::{code, from_result, to_result, Error, Result},
    ffi::{c_int, c_uint},
    str::CStr,
    types::Opaque,
};
use core::marker::PhantomData;

pub mod reg;

/// PHY state machine states (the kernel's `enum phy_state`).
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub enum DeviceState {
    /// PHY device and driver are not ready for anything.
    Down,
    /// PHY is ready to send and receive packets.
    Ready,
    /// PHY is up, but no polling or interrupts are done.
    Halted,
    /// PHY is up, but is in an error state.
    Error,
    /// PHY and attached device are ready to do work.
    Up,
    /// PHY is currently running.
    Running,
    /// PHY is up, but not currently plugged in.
    NoLink,
    /// PHY is performing a cable test.
    CableTest,
}

/// A mode of Ethernet communication.
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub enum DuplexMode {
    /// Full duplex.
    Full,
    /// Half duplex.
    Half,
    /// Unknown.
    Unknown,
}

/// An instance of a PHY device (the kernel's `struct phy_device`).
///
/// A `Device` exists only while phylib runs one of the driver's callbacks,
/// which receive it as `&mut Device`.
///
/// # Invariants
///
/// - A reference to a `Device` asserts that the caller is in a context where
///   every method of this type may be called: inside a phylib callback for
///   this device.
/// - The `phy_device` it refers to has a valid `mdio.dev`.
///
/// phylib may call back into the driver while a callback runs (for example
/// `link_change_notify` -> `init_hw` -> `soft_reset`). `Device` is an
/// [`Opaque`] wrapper (interior-mutable and `!Unpin`), so the nested
/// `&mut Device` for the same `phy_device` does not violate Rust's aliasing
/// rules: no Rust data is cached in it, every access goes to C.
#[repr(transparent)]
pub struct Device(Opaque<bindings::refdrv_phy>);

impl Device {
    /// Creates a [`Device`] reference from a raw pointer.
    ///
    /// # Safety
    ///
    /// For the duration of `'a`, `ptr` must point at a valid `phy_device`
    /// and the caller must be in a context where all methods of `Device` are
    /// safe to call (a phylib callback for this device).
    unsafe fn from_raw<'a>(ptr: *mut bindings::refdrv_phy) -> &'a mut Self {
        // CAST: `Device` is a `repr(transparent)` wrapper of the opaque type.
        let ptr = ptr as *mut Self;
        // SAFETY: by the function's requirements the pointer is valid for `'a`.
        unsafe { &mut *ptr }
    }

    fn raw(&self) -> *mut bindings::refdrv_phy {
        self.0.get()
    }

    /// Gets the id of the PHY.
    pub fn phy_id(&self) -> u32 {
        // SAFETY: the type invariant makes the pointer valid; the helper only
        // reads `phy_device.phy_id`.
        unsafe { bindings::refdrv_phy_id(self.raw()) }
    }

    /// Gets the state of the PHY state machine.
    pub fn state(&self) -> DeviceState {
        // SAFETY: the type invariant; the helper only reads `phy_device.state`.
        let state = unsafe { bindings::refdrv_phy_state(self.raw()) } as i64;
        match state {
            s if s == bindings::PHY_DOWN as i64 => DeviceState::Down,
            s if s == bindings::PHY_READY as i64 => DeviceState::Ready,
            s if s == bindings::PHY_HALTED as i64 => DeviceState::Halted,
            s if s == bindings::PHY_ERROR as i64 => DeviceState::Error,
            s if s == bindings::PHY_UP as i64 => DeviceState::Up,
            s if s == bindings::PHY_RUNNING as i64 => DeviceState::Running,
            s if s == bindings::PHY_NOLINK as i64 => DeviceState::NoLink,
            s if s == bindings::PHY_CABLETEST as i64 => DeviceState::CableTest,
            _ => DeviceState::Error,
        }
    }

    /// Gets the current link state: true if the link is up.
    pub fn is_link_up(&self) -> bool {
        // SAFETY: the type invariant; the helper reads the `link` bit field.
        unsafe { bindings::refdrv_phy_link(self.raw()) != 0 }
    }

    /// Gets the current auto-negotiation configuration: true if enabled.
    pub fn is_autoneg_enabled(&self) -> bool {
        // SAFETY: the type invariant; the helper reads the `autoneg` bit field.
        unsafe { bindings::refdrv_phy_autoneg(self.raw()) == bindings::AUTONEG_ENABLE as c_int }
    }

    /// Gets the current auto-negotiation state: true if completed.
    pub fn is_autoneg_completed(&self) -> bool {
        // SAFETY: the type invariant; the helper reads the `autoneg_complete` bit field.
        unsafe { bindings::refdrv_phy_autoneg_complete(self.raw()) != 0 }
    }

    /// Sets the speed of the PHY.
    pub fn set_speed(&mut self, speed: u32) {
        // SAFETY: the type invariant; the helper writes `phy_device.speed`.
        unsafe { bindings::refdrv_phy_set_speed(self.raw(), speed as c_int) };
    }

    /// Sets the duplex mode.
    pub fn set_duplex(&mut self, mode: DuplexMode) {
        let v = match mode {
            DuplexMode::Full => bindings::DUPLEX_FULL as c_int,
            DuplexMode::Half => bindings::DUPLEX_HALF as c_int,
            DuplexMode::Unknown => bindings::DUPLEX_UNKNOWN as c_int,
        };
        // SAFETY: the type invariant; the helper writes `phy_device.duplex`.
        unsafe { bindings::refdrv_phy_set_duplex(self.raw(), v) };
    }

    /// Reads a PHY register.
    // Reading a register updates the bus statistics, hence `&mut self`.
    pub fn read<R: reg::Register>(&mut self, reg: R) -> Result<u16> {
        reg.read(self)
    }

    /// Writes a PHY register.
    pub fn write<R: reg::Register>(&mut self, reg: R, val: u16) -> Result {
        reg.write(self, val)
    }

    /// Reads a paged register.
    pub fn read_paged(&mut self, page: u16, regnum: u16) -> Result<u16> {
        // SAFETY: the type invariant; `phy_read_paged()` takes the bus lock itself.
        let ret = unsafe { bindings::refdrv_phy_read_paged(self.raw(), page.into(), regnum.into()) };
        if ret < 0 {
            Err(Error::from_errno(ret))
        } else {
            Ok(ret as u16)
        }
    }

    /// Resolves the advertisements into PHY settings.
    pub fn resolve_aneg_linkmode(&mut self) {
        // SAFETY: the type invariant; it is just an FFI call.
        unsafe { bindings::refdrv_phy_resolve_aneg_linkmode(self.raw()) };
    }

    /// Executes a software reset of the PHY through `BMCR_RESET`.
    pub fn genphy_soft_reset(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_genphy_soft_reset(self.raw()) })
    }

    /// Initializes the PHY (`phy_init_hw()`).
    pub fn init_hw(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_init_hw(self.raw()) })
    }

    /// Starts auto-negotiation (`_phy_start_aneg()`: `phydev->lock` held).
    pub fn start_aneg(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_start_aneg(self.raw()) })
    }

    /// Resumes the PHY through `BMCR_PDOWN`.
    pub fn genphy_resume(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_genphy_resume(self.raw()) })
    }

    /// Suspends the PHY through `BMCR_PDOWN`.
    pub fn genphy_suspend(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_genphy_suspend(self.raw()) })
    }

    /// Checks the link status and updates the current link state.
    pub fn genphy_read_status<R: reg::Register>(&mut self) -> Result<u16> {
        R::read_status(self)
    }

    /// Updates the link status.
    pub fn genphy_update_link(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_genphy_update_link(self.raw()) })
    }

    /// Reads the link partner's abilities.
    pub fn genphy_read_lpa(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_genphy_read_lpa(self.raw()) })
    }

    /// Reads the PHY's abilities.
    pub fn genphy_read_abilities(&mut self) -> Result {
        // SAFETY: the type invariant; it is just an FFI call.
        to_result(unsafe { bindings::refdrv_phy_genphy_read_abilities(self.raw()) })
    }
}

impl AsRef<device::Device> for Device {
    fn as_ref(&self) -> &device::Device {
        // SAFETY: the type invariant: `mdio.dev` is valid as long as `self` is.
        unsafe { device::Device::as_ref(bindings::refdrv_phy_device(self.raw())) }
    }
}

/// Flags a driver may set in [`Driver::FLAGS`] (the tree's values).
pub mod flags {
    use crate::bindings;

    /// PHY is internal.
    pub const IS_INTERNAL: u32 = bindings::PHY_IS_INTERNAL as u32;
    /// PHY needs to be reset after the refclk is enabled.
    pub const RST_AFTER_CLK_EN: u32 = bindings::PHY_RST_AFTER_CLK_EN as u32;
    /// Polling is used to detect PHY status changes.
    pub const POLL_CABLE_TEST: u32 = bindings::PHY_POLL_CABLE_TEST as u32;
    /// Don't suspend.
    pub const ALWAYS_CALL_SUSPEND: u32 = bindings::PHY_ALWAYS_CALL_SUSPEND as u32;
}

/// Forwards phylib's C callbacks to a [`Driver`].
struct Adapter<T: Driver> {
    _p: PhantomData<T>,
}

impl<T: Driver> Adapter<T> {
    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn soft_reset_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        from_result(|| {
            // SAFETY: this callback runs only where phylib holds
            // `phydev->lock` (or has exclusive access), so the accessors on
            // `Device` are okay to call.
            let dev = unsafe { Device::from_raw(phydev) };
            T::soft_reset(dev)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn probe_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        from_result(|| {
            // SAFETY: the device is not published yet, so this context has
            // exclusive access and the accessors on `Device` are okay to call.
            let dev = unsafe { Device::from_raw(phydev) };
            T::probe(dev)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn get_features_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        from_result(|| {
            // SAFETY: called from probe: exclusive access.
            let dev = unsafe { Device::from_raw(phydev) };
            T::get_features(dev)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn suspend_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        from_result(|| {
            // SAFETY: phylib serialises suspend with the state machine even
            // though `phydev->lock` may not be held.
            let dev = unsafe { Device::from_raw(phydev) };
            T::suspend(dev)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn resume_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        from_result(|| {
            // SAFETY: phylib serialises resume with the state machine even
            // though `phydev->lock` may not be held.
            let dev = unsafe { Device::from_raw(phydev) };
            T::resume(dev)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn config_aneg_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        from_result(|| {
            // SAFETY: phylib holds `phydev->lock`.
            let dev = unsafe { Device::from_raw(phydev) };
            T::config_aneg(dev)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn read_status_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        from_result(|| {
            // SAFETY: phylib holds `phydev->lock`.
            let dev = unsafe { Device::from_raw(phydev) };
            T::read_status(dev)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn match_phy_device_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) -> c_int {
        // SAFETY: called by the driver core while matching: exclusive access.
        let dev = unsafe { Device::from_raw(phydev) };
        T::match_phy_device(dev) as c_int
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn read_mmd_callback(
        phydev: *mut bindings::refdrv_phy,
        _h: bindings::Helpers,
        devnum: c_int,
        regnum: u16,
    ) -> c_int {
        from_result(|| {
            // SAFETY: phylib holds the bus lock.
            let dev = unsafe { Device::from_raw(phydev) };
            // CAST: the C side verifies devnum < 32.
            let ret = T::read_mmd(dev, devnum as u8, regnum)?;
            Ok(ret.into())
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn write_mmd_callback(
        phydev: *mut bindings::refdrv_phy,
        _h: bindings::Helpers,
        devnum: c_int,
        regnum: u16,
        val: u16,
    ) -> c_int {
        from_result(|| {
            // SAFETY: phylib holds the bus lock.
            let dev = unsafe { Device::from_raw(phydev) };
            // CAST: the C side verifies devnum < 32.
            T::write_mmd(dev, devnum as u8, regnum, val)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `phydev` must be passed by the corresponding callback in `phy_driver`.
    unsafe extern "C" fn link_change_notify_callback(phydev: *mut bindings::refdrv_phy, _h: bindings::Helpers) {
        // SAFETY: phylib holds `phydev->lock`.
        let dev = unsafe { Device::from_raw(phydev) };
        T::link_change_notify(dev);
    }
}

/// A driver for one PHY type, as registered with phylib (the kernel's
/// `struct phy_driver`, built by refdrv's helpers from this description).
///
/// # Invariants
///
/// `self.0` is always in a valid state.
#[repr(transparent)]
pub struct DriverVTable(Opaque<bindings::refdrv_foreign_driver>);

// SAFETY: `DriverVTable` has no method giving access to its contents, so
// sharing `&DriverVTable` across contexts is safe.
unsafe impl Sync for DriverVTable {}

/// Creates a [`DriverVTable`] from a [`Driver`]: callbacks the driver does
/// not implement stay NULL, so phylib uses its generic routines.
pub const fn create_phy_driver<T: Driver>() -> DriverVTable {
    // INVARIANT: every field is initialised.
    DriverVTable(Opaque::new(bindings::refdrv_foreign_driver {
        name: T::NAME.as_char_ptr(),
        flags: T::FLAGS,
        phy_id: T::PHY_DEVICE_ID.id,
        phy_id_mask: T::PHY_DEVICE_ID.mask_as_int(),
        soft_reset: if T::HAS_SOFT_RESET { Some(Adapter::<T>::soft_reset_callback) } else { None },
        config_init: None,
        probe: if T::HAS_PROBE { Some(Adapter::<T>::probe_callback) } else { None },
        get_features: if T::HAS_GET_FEATURES { Some(Adapter::<T>::get_features_callback) } else { None },
        suspend: if T::HAS_SUSPEND { Some(Adapter::<T>::suspend_callback) } else { None },
        resume: if T::HAS_RESUME { Some(Adapter::<T>::resume_callback) } else { None },
        config_aneg: if T::HAS_CONFIG_ANEG { Some(Adapter::<T>::config_aneg_callback) } else { None },
        aneg_done: None,
        read_status: if T::HAS_READ_STATUS { Some(Adapter::<T>::read_status_callback) } else { None },
        match_phy_device: if T::HAS_MATCH_PHY_DEVICE {
            Some(Adapter::<T>::match_phy_device_callback)
        } else {
            None
        },
        remove: None,
        link_change_notify: if T::HAS_LINK_CHANGE_NOTIFY {
            Some(Adapter::<T>::link_change_notify_callback)
        } else {
            None
        },
        read_mmd: if T::HAS_READ_MMD { Some(Adapter::<T>::read_mmd_callback) } else { None },
        write_mmd: if T::HAS_WRITE_MMD { Some(Adapter::<T>::write_mmd_callback) } else { None },
        read_page: None,
        write_page: None,
        set_loopback: None,
    }))
}

/// Driver implementation for a particular PHY type.
///
/// Only the methods a driver implements are given to phylib (`#[vtable]`);
/// the default bodies are never called.
#[macros::vtable]
pub trait Driver {
    /// Features this PHY supports, a combination of [`flags`].
    const FLAGS: u32 = 0;

    /// The friendly name of this PHY type.
    const NAME: &'static CStr;

    /// This driver only works for PHYs with IDs which match this field.
    const PHY_DEVICE_ID: DeviceId = DeviceId::new_with_custom_mask(0, 0);

    /// Issues a PHY software reset.
    fn soft_reset(_dev: &mut Device) -> Result {
        Err(code::ENOTSUPP)
    }

    /// Sets up device-specific structures during discovery.
    fn probe(_dev: &mut Device) -> Result {
        Err(code::ENOTSUPP)
    }

    /// Probes the hardware to determine what abilities it has.
    fn get_features(_dev: &mut Device) -> Result {
        Err(code::ENOTSUPP)
    }

    /// Returns true if this is a suitable driver for the given phydev.
    /// If not implemented, matching is based on [`Driver::PHY_DEVICE_ID`].
    fn match_phy_device(_dev: &Device) -> bool {
        false
    }

    /// Configures the advertisement and resets auto-negotiation if enabled.
    fn config_aneg(_dev: &mut Device) -> Result {
        Err(code::ENOTSUPP)
    }

    /// Determines the negotiated speed and duplex.
    fn read_status(_dev: &mut Device) -> Result<u16> {
        Err(code::ENOTSUPP)
    }

    /// Suspends the hardware, saving state if needed.
    fn suspend(_dev: &mut Device) -> Result {
        Err(code::ENOTSUPP)
    }

    /// Resumes the hardware, restoring state if needed.
    fn resume(_dev: &mut Device) -> Result {
        Err(code::ENOTSUPP)
    }

    /// Overrides the default MMD read function for reading a MMD register.
    fn read_mmd(_dev: &mut Device, _devnum: u8, _regnum: u16) -> Result<u16> {
        Err(code::ENOTSUPP)
    }

    /// Overrides the default MMD write function for writing a MMD register.
    fn write_mmd(_dev: &mut Device, _devnum: u8, _regnum: u16, _val: u16) -> Result {
        Err(code::ENOTSUPP)
    }

    /// Callback for notification of link change.
    fn link_change_notify(_dev: &mut Device) {}
}

/// Registers [`DriverVTable`]s with phylib; they are unregistered when the
/// registration is dropped.
///
/// # Invariants
///
/// The `drivers` slice is registered with phylib.
pub struct Registration {
    drivers: core::pin::Pin<&'static mut [DriverVTable]>,
}

// SAFETY: dropping (unregistering) may happen from any context.
unsafe impl Send for Registration {}
// SAFETY: a shared `Registration` gives no access to anything.
unsafe impl Sync for Registration {}

impl Registration {
    /// Registers PHY drivers.
    pub fn register(
        _module: &'static crate::ThisModule,
        drivers: core::pin::Pin<&'static mut [DriverVTable]>,
    ) -> Result<Self> {
        if drivers.is_empty() {
            return Err(code::EINVAL);
        }
        let n: c_uint = drivers.len().try_into()?;
        // SAFETY: the `DriverVTable` invariants make every element valid; the
        // slice is pinned and `'static`, so the C side may keep it.
        to_result(unsafe { bindings::refdrv_phy_drivers_register(drivers[0].0.get(), n) })?;
        // INVARIANT: registered above.
        Ok(Registration { drivers })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: the type invariant: these drivers are registered.
        unsafe { bindings::refdrv_phy_drivers_unregister(self.drivers[0].0.get(), self.drivers.len() as c_uint) };
    }
}

/// An identifier for PHY devices on an MDIO bus (`struct mdio_device_id`).
#[derive(Clone, Copy)]
pub struct DeviceId {
    id: u32,
    mask: DeviceMask,
}

impl DeviceId {
    /// Matches the whole id.
    pub const fn new_with_exact_mask(id: u32) -> Self {
        DeviceId { id, mask: DeviceMask::Exact }
    }

    /// Matches the id without the revision (low 4 bits).
    pub const fn new_with_model_mask(id: u32) -> Self {
        DeviceId { id, mask: DeviceMask::Model }
    }

    /// Matches the vendor (OUI) part only.
    pub const fn new_with_vendor_mask(id: u32) -> Self {
        DeviceId { id, mask: DeviceMask::Vendor }
    }

    /// Matches with a custom mask.
    pub const fn new_with_custom_mask(id: u32, mask: u32) -> Self {
        DeviceId { id, mask: DeviceMask::Custom(mask) }
    }

    /// The id a [`Driver`] declares.
    pub const fn new_with_driver<T: Driver>() -> Self {
        T::PHY_DEVICE_ID
    }

    /// The mask as an integer.
    pub const fn mask_as_int(&self) -> u32 {
        self.mask.as_int()
    }

    #[doc(hidden)]
    pub const fn mdio_device_id(&self) -> MdioDeviceId {
        MdioDeviceId { phy_id: self.id, phy_id_mask: self.mask.as_int() }
    }
}

/// An entry of a module's device table (`struct mdio_device_id`'s layout).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct MdioDeviceId {
    /// The id.
    pub phy_id: u32,
    /// The mask.
    pub phy_id_mask: u32,
}

#[derive(Clone, Copy)]
enum DeviceMask {
    Exact,
    Model,
    Vendor,
    Custom(u32),
}

impl DeviceMask {
    const MASK_EXACT: u32 = !0;
    const MASK_MODEL: u32 = !0 << 4;
    const MASK_VENDOR: u32 = !0 << 10;

    const fn as_int(&self) -> u32 {
        match self {
            DeviceMask::Exact => Self::MASK_EXACT,
            DeviceMask::Model => Self::MASK_MODEL,
            DeviceMask::Vendor => Self::MASK_VENDOR,
            DeviceMask::Custom(mask) => *mask,
        }
    }
}

/// Declares a kernel module for PHY drivers: a static array of driver
/// descriptions registered when the module loads, and its device table.
#[macro_export]
macro_rules! module_phy_driver {
    (@replace_expr $_t:tt $sub:expr) => {$sub};

    (@count_devices $($x:expr),*) => {
        0usize $(+ $crate::module_phy_driver!(@replace_expr $x 1usize))*
    };

    (@device_table [$($dev:expr),+]) => {
        $crate::macros::mdio_device_table! {
            [$crate::net::phy::MdioDeviceId; $crate::module_phy_driver!(@count_devices $($dev),+) + 1] = [
                $($dev.mdio_device_id()),+,
                $crate::net::phy::MdioDeviceId { phy_id: 0, phy_id_mask: 0 },
            ]
        }
    };

    (drivers: [$($driver:ident),+ $(,)?], device_table: [$($dev:expr),+ $(,)?], $($f:tt)*) => {
        struct Module {
            _reg: $crate::net::phy::Registration,
        }

        $crate::prelude::module! {
            type: Module,
            $($f)*
        }

        const _: () = {
            static mut DRIVERS: [$crate::net::phy::DriverVTable;
                $crate::module_phy_driver!(@count_devices $($driver),+)] =
                [$($crate::net::phy::create_phy_driver::<$driver>()),+];

            impl $crate::Module for Module {
                fn init(module: &'static $crate::ThisModule) -> $crate::error::Result<Self> {
                    // SAFETY: the anonymous constant guarantees that nobody
                    // else can access `DRIVERS`; the array is used only by C.
                    let drivers = unsafe { &mut *::core::ptr::addr_of_mut!(DRIVERS) };
                    let reg = $crate::net::phy::Registration::register(
                        module,
                        ::core::pin::Pin::static_mut(drivers),
                    )?;
                    Ok(Module { _reg: reg })
                }
            }
        };

        $crate::module_phy_driver!(@device_table [$($dev),+]);
    }
}
