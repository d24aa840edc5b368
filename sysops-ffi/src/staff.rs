//! Staff accounts (UC-1) and their audited history.

use crate::enums::StaffRole;
use crate::types::Timestamp;
use crate::value::Actor;
use sysops_core as core;
use uuid::Uuid;

/// An administrator's, helpdesk agent's, manager's or expert's account.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct StaffAccount {
    /// Its id (the person's actor id; an expert's expert id too).
    pub id: Uuid,
    /// Full name.
    pub name: String,
    /// Work email.
    pub email: String,
    /// Current role.
    pub role: StaffRole,
    /// Deactivated accounts can do nothing.
    pub active: bool,
    /// Who created it.
    pub created_by: Actor,
    /// When.
    pub created_at: Timestamp,
}

impl From<core::StaffAccount> for StaffAccount {
    fn from(a: core::StaffAccount) -> Self {
        StaffAccount {
            id: a.id.as_uuid(),
            name: a.name.into(),
            email: a.email.as_str().to_owned(),
            role: a.role.into(),
            active: a.active,
            created_by: a.created_by.into(),
            created_at: a.created_at,
        }
    }
}

/// What changed on a staff account.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "sysops"))]
pub enum StaffChange {
    /// The account was created.
    Created {
        /// Full name.
        name: String,
        /// Work email.
        email: String,
        /// Role.
        role: StaffRole,
    },
    /// The role changed.
    RoleChanged {
        /// The role before.
        old_role: StaffRole,
        /// The role after.
        new_role: StaffRole,
    },
    /// The account was deactivated.
    Deactivated {},
    /// The account was reactivated.
    Reactivated {},
}

/// One audited change of a staff account: what, when, by whom.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct StaffEvent {
    /// 1, 2, 3, ... per account.
    pub sequence: u64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: Actor,
    /// What.
    pub change: StaffChange,
}

impl From<core::Envelope<core::StaffEvent>> for StaffEvent {
    fn from(e: core::Envelope<core::StaffEvent>) -> Self {
        let change = match e.payload {
            core::StaffEvent::Created { name, email, role, .. } => {
                StaffChange::Created { name: name.into(), email: email.as_str().to_owned(), role: role.into() }
            }
            core::StaffEvent::RoleChanged { from, to } => {
                StaffChange::RoleChanged { old_role: from.into(), new_role: to.into() }
            }
            core::StaffEvent::Deactivated => StaffChange::Deactivated {},
            core::StaffEvent::Reactivated => StaffChange::Reactivated {},
        };
        StaffEvent { sequence: e.sequence.0, at: e.at, by: e.by.into(), change }
    }
}
