//! Staff accounts (UC-1) and their audited history.

use crate::client::{Sysops, all};
use crate::enums::StaffRole;
use crate::error::SysopsError;
use crate::guard::guard;
use crate::types::Timestamp;
use crate::value::Actor;
use sysops_core as core;
use sysops_core::UserId;
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
            role: a.role,
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

#[cfg(feature = "python")]
crate::python::variant_kind!(StaffChange { Created, RoleChanged, Deactivated, Reactivated });

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
                StaffChange::Created { name: name.into(), email: email.as_str().to_owned(), role }
            }
            core::StaffEvent::RoleChanged { from, to } => StaffChange::RoleChanged { old_role: from, new_role: to },
            core::StaffEvent::Deactivated => StaffChange::Deactivated {},
            core::StaffEvent::Reactivated => StaffChange::Reactivated {},
        };
        StaffEvent { sequence: e.sequence.0, at: e.at, by: e.by.into(), change }
    }
}

impl Sysops {
    async fn staff_command(
        &self,
        actor: Actor,
        account: Uuid,
        command: core::StaffCommand,
    ) -> Result<StaffAccount, SysopsError> {
        Ok(self.api()?.change_staff_account(actor.into(), UserId::from_uuid(account), command).await?.into())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Creates a staff account; the system actor may create the first administrator.
    pub async fn create_staff_account(
        &self,
        actor: Actor,
        name: String,
        email: String,
        role: StaffRole,
    ) -> Result<StaffAccount, SysopsError> {
        guard(async move {
            let (name, email) = (core::PersonName::new(name)?, core::Email::new(email)?);
            Ok(self.api()?.create_staff_account(actor.into(), name, email, role).await?.into())
        })
        .await
    }

    /// Gives a staff account another role.
    pub async fn change_staff_role(
        &self,
        actor: Actor,
        account: Uuid,
        role: StaffRole,
    ) -> Result<StaffAccount, SysopsError> {
        guard(async move { self.staff_command(actor, account, core::StaffCommand::ChangeRole(role)).await }).await
    }

    /// Deactivates a staff account: it can do nothing until reactivated.
    pub async fn deactivate_staff_account(&self, actor: Actor, account: Uuid) -> Result<StaffAccount, SysopsError> {
        guard(async move { self.staff_command(actor, account, core::StaffCommand::Deactivate).await }).await
    }

    /// Reactivates a staff account.
    pub async fn reactivate_staff_account(&self, actor: Actor, account: Uuid) -> Result<StaffAccount, SysopsError> {
        guard(async move { self.staff_command(actor, account, core::StaffCommand::Reactivate).await }).await
    }

    /// A staff account.
    pub async fn staff_account(&self, actor: Actor, account: Uuid) -> Result<StaffAccount, SysopsError> {
        guard(async move { Ok(self.api()?.staff_account(actor.into(), UserId::from_uuid(account)).await?.into()) })
            .await
    }

    /// A staff account's audited history, oldest first.
    pub async fn staff_account_history(&self, actor: Actor, account: Uuid) -> Result<Vec<StaffEvent>, SysopsError> {
        guard(
            async move { Ok(all(self.api()?.staff_account_history(actor.into(), UserId::from_uuid(account)).await?)) },
        )
        .await
    }
}
