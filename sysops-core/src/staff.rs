//! Internal user accounts (UC-1): administrators, helpdesk, managers and experts.
//!
//! Administrators create accounts, change their role and deactivate them; each
//! change is an event that records who did it and when. Passwords and sign-in
//! stay with the host's identity provider.

use crate::actor::{Action, Actor, DenyReason, Role, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::error::{ReplayError, ValidationError, clip};
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::id::UserId;
use crate::rule::{Refused, RuleError};
use crate::text::{Email, PersonName};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The role of a staff account.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StaffRole {
    /// See [`Role::Administrator`].
    Administrator,
    /// See [`Role::Helpdesk`].
    Helpdesk,
    /// See [`Role::Manager`].
    Manager,
    /// See [`Role::Expert`].
    Expert,
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Role {
        match role {
            StaffRole::Administrator => Role::Administrator,
            StaffRole::Helpdesk => Role::Helpdesk,
            StaffRole::Manager => Role::Manager,
            StaffRole::Expert => Role::Expert,
        }
    }
}

impl TryFrom<Role> for StaffRole {
    type Error = ValidationError;
    fn try_from(role: Role) -> Result<Self, ValidationError> {
        match role {
            Role::Administrator => Ok(StaffRole::Administrator),
            Role::Helpdesk => Ok(StaffRole::Helpdesk),
            Role::Manager => Ok(StaffRole::Manager),
            Role::Expert => Ok(StaffRole::Expert),
            other => Err(ValidationError::Unknown { field: "staff_role", value: clip(&format!("{other:?}")) }),
        }
    }
}

/// An internal user account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffAccount {
    /// Its id; the host's identity provider maps sign-ins to it.
    pub id: UserId,
    /// Display name.
    pub name: PersonName,
    /// Work email.
    pub email: Email,
    /// Current role.
    pub role: StaffRole,
    /// Deactivated accounts are refused for every command.
    pub active: bool,
    /// Who created the account.
    pub created_by: Actor,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    version: Sequence,
}

/// What happened to a staff account; the envelope records who and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StaffEvent {
    /// The account was created.
    Created {
        /// Its id.
        account: UserId,
        /// Display name.
        name: PersonName,
        /// Work email.
        email: Email,
        /// Initial role.
        role: StaffRole,
    },
    /// The role changed.
    RoleChanged {
        /// Previous role.
        from: StaffRole,
        /// New role.
        to: StaffRole,
    },
    /// The account was deactivated.
    Deactivated,
    /// The account was reactivated.
    Reactivated,
}

impl EventName for StaffEvent {
    fn name(&self) -> &'static str {
        match self {
            StaffEvent::Created { .. } => "StaffAccountCreated",
            StaffEvent::RoleChanged { .. } => "StaffRoleChanged",
            StaffEvent::Deactivated => "StaffAccountDeactivated",
            StaffEvent::Reactivated => "StaffAccountReactivated",
        }
    }
}

/// A command to an existing staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffCommand {
    /// Give the account another role.
    ChangeRole(StaffRole),
    /// Refuse all further commands by this account.
    Deactivate,
    /// Allow the account again.
    Reactivate,
}

impl StaffAccount {
    /// Decides the creation of an account.
    pub fn create(
        name: PersonName,
        email: Email,
        role: StaffRole,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<StaffEvent>>, Refused<RuleError>> {
        authorize(&ctx.actor, Action::CreateStaffAccount, Target::default())?;
        let account: UserId = ctx.new_id();
        Ok(ctx.stamp(account, Sequence::NONE, vec![StaffEvent::Created { account, name, email, role }]))
    }
}

impl Decide for StaffAccount {
    type Command = StaffCommand;
    type Error = Refused<RuleError>;

    fn action(command: &StaffCommand) -> Action {
        match command {
            StaffCommand::ChangeRole(_) => Action::ChangeStaffRole,
            StaffCommand::Deactivate => Action::DeactivateStaffAccount,
            StaffCommand::Reactivate => Action::ReactivateStaffAccount,
        }
    }

    /// Decides a command. Administrators cannot demote or deactivate themselves.
    fn decide(&self, command: &StaffCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<StaffEvent>>, Self::Error> {
        let (action, event) = match command {
            StaffCommand::ChangeRole(to) => {
                (Action::ChangeStaffRole, StaffEvent::RoleChanged { from: self.role, to: *to })
            }
            StaffCommand::Deactivate => (Action::DeactivateStaffAccount, StaffEvent::Deactivated),
            StaffCommand::Reactivate => (Action::ReactivateStaffAccount, StaffEvent::Reactivated),
        };
        authorize(&ctx.actor, action, Target::default())?;
        if ctx.actor.id == self.id.as_uuid() && action != Action::ReactivateStaffAccount {
            return Err(ctx.actor.deny(action, DenyReason::OwnAccount).into());
        }
        let changes = match &event {
            StaffEvent::RoleChanged { from, to } => from != to,
            StaffEvent::Deactivated => self.active,
            StaffEvent::Reactivated => !self.active,
            StaffEvent::Created { .. } => false,
        };
        if !changes {
            return Err(RuleError::NoChange { action }.into());
        }
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}

impl Aggregate for StaffAccount {
    const KIND: AggregateKind = AggregateKind::StaffAccount;
    type Event = StaffEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<StaffEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            StaffEvent::Created { account, name, email, role } => Ok(StaffAccount {
                id: *account,
                name: name.clone(),
                email: email.clone(),
                role: *role,
                active: true,
                created_by: first.by,
                created_at: first.at,
                version: first.sequence,
            }),
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<StaffEvent>) -> Result<(), ReplayError> {
        match &event.payload {
            StaffEvent::RoleChanged { to, .. } => self.role = *to,
            StaffEvent::Deactivated if self.active => self.active = false,
            StaffEvent::Reactivated if !self.active => self.active = true,
            other => return Err(ReplayError::DoesNotApply { event: other.name(), state: "StaffAccount" }),
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::none()
    }
}
