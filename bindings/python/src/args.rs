//! Arguments Python callers pass loosely: ids as `uuid.UUID` or text, categories as enum or name.

use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi::{ProductCategory, SysopsError};
use uuid::Uuid;

/// A record id given as `uuid.UUID` or as its text (a ticket number read out on the phone).
pub(crate) struct Id(pub(crate) Uuid);

impl<'py> FromPyObject<'_, 'py> for Id {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> Result<Self, PyErr> {
        if let Ok(uuid) = obj.extract::<Uuid>() {
            return Ok(Id(uuid));
        }
        let text: String = obj.extract().map_err(|_| {
            Failure(SysopsError::InvalidInput {
                field: "id".to_owned(),
                reason: "expected a uuid.UUID or its text".to_owned(),
            })
        })?;
        Ok(Id(sysops_ffi::parse_uuid(&text).map_err(Failure)?))
    }
}

/// A product category given as `sysops.ProductCategory` or its stable name (`"television"`).
pub(crate) struct Category(pub(crate) ProductCategory);

impl<'py> FromPyObject<'_, 'py> for Category {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> Result<Self, PyErr> {
        if let Ok(category) = obj.extract::<ProductCategory>() {
            return Ok(Category(category));
        }
        let name: String = obj.extract().map_err(|_| {
            PyErr::from(Failure(SysopsError::InvalidInput {
                field: "product_category".to_owned(),
                reason: "expected a sysops.ProductCategory or its name".to_owned(),
            }))
        })?;
        Ok(Category(sysops_ffi::product_category_named(name).map_err(Failure)?))
    }
}
