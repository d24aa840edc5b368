//! Small values used everywhere: who acts, places, money.

use crate::enums::{Currency, Role};
use crate::error::SysopsError;
use rust_decimal::Decimal;
use sysops_core as core;
use uuid::Uuid;

/// Who performs a call: their role and their account id (customer id, staff account id).
///
/// Every call is checked against it: a customer sees only their own tickets, an expert only
/// the tickets offered to them, only administrators edit experts, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, hash, from_py_object, new = "from_fields", module = "sysops")
)]
pub struct Actor {
    /// The role claimed; it must match the account's.
    pub role: Role,
    /// The account: customer id, staff account id or expert id (an expert's staff account id).
    pub id: Uuid,
}

impl From<core::Actor> for Actor {
    fn from(actor: core::Actor) -> Self {
        Actor { role: actor.role, id: actor.id }
    }
}

impl From<Actor> for core::Actor {
    fn from(actor: Actor) -> Self {
        core::Actor { role: actor.role, id: actor.id }
    }
}

/// The system's own jobs (assignment, expiry); also creates the first administrator.
#[uniffi::export]
pub fn system_actor() -> Actor {
    core::Actor::system().into()
}

/// A WGS84 coordinate in degrees.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "sysops"))]
pub struct GeoPoint {
    /// Latitude, -90..=90.
    pub lat: f64,
    /// Longitude, -180..=180.
    pub lon: f64,
}

impl From<core::GeoPoint> for GeoPoint {
    fn from(point: core::GeoPoint) -> Self {
        GeoPoint { lat: point.lat(), lon: point.lon() }
    }
}

impl TryFrom<GeoPoint> for core::GeoPoint {
    type Error = SysopsError;
    fn try_from(point: GeoPoint) -> Result<Self, SysopsError> {
        Ok(core::GeoPoint::new(point.lat, point.lon)?)
    }
}

/// An exact amount of money; amounts are rounded half away from zero to cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, hash, from_py_object, module = "sysops"))]
#[allow(missing_docs)]
pub struct Money {
    /// The amount, e.g. `19.99`.
    pub amount: Decimal,
    pub currency: Currency,
}

impl From<core::Money> for Money {
    fn from(money: core::Money) -> Self {
        Money { amount: money.amount(), currency: money.currency() }
    }
}

impl From<Money> for core::Money {
    fn from(money: Money) -> Self {
        core::Money::new(money.amount, money.currency)
    }
}

/// Parses a product category's stable name, e.g. `"game_console"`, as hosts read it from
/// configuration or forms; an unknown name is [`SysopsError::InvalidInput`].
#[uniffi::export]
pub fn product_category_named(name: String) -> Result<crate::ProductCategory, SysopsError> {
    crate::guard_sync(|| Ok(core::ProductCategory::parse(&name)?))
}

/// The stable name of a product category, e.g. `"game_console"`.
#[uniffi::export]
pub fn product_category_name(category: crate::ProductCategory) -> String {
    category.as_str().to_owned()
}

/// A count the host passes in (levels, radius, capacity, limits), checked to fit `T`.
pub(crate) fn count<T: TryFrom<i64>>(field: &str, value: i64) -> Result<T, SysopsError> {
    T::try_from(value)
        .map_err(|_| SysopsError::InvalidInput { field: field.to_owned(), reason: format!("{value} is out of range") })
}
