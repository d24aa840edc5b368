//! Who acts ([`Actor`]), what they may attempt ([`Action`]), and the role policy that decides it.
//!
//! Authentication stays with the host application: it tells sysops who is acting.
//! The [`Service`](crate::Service) then checks that the account exists, is active
//! and has the claimed role, and every `decide` checks the role and the actor's
//! relation to the data (a customer's own tickets, an expert's assigned ticket).

use crate::id::{CustomerId, ExpertId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The role an actor acts in.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Maintains staff, experts, plans and billing.
    Administrator,
    /// A customer with a support plan.
    Customer,
    /// Call-center staff who act for customers by phone.
    Helpdesk,
    /// A field expert who works tickets.
    Expert,
    /// Reads operations and reports; changes nothing.
    Manager,
    /// The library's own jobs (assignment, expiry, auto-close) and the host's bootstrap.
    System,
}

impl Role {
    /// Every role, for generated permission tests and listings.
    pub const ALL: [Role; 6] =
        [Role::Administrator, Role::Customer, Role::Helpdesk, Role::Expert, Role::Manager, Role::System];

    /// True for roles held by an internal staff account.
    pub const fn is_staff(self) -> bool {
        matches!(self, Role::Administrator | Role::Helpdesk | Role::Expert | Role::Manager)
    }
}

/// The identity a command is performed under, as passed in by the host.
///
/// For a customer, `id` is the [`CustomerId`]; for staff, the [`UserId`] of
/// their account (an expert's [`ExpertId`] is the same UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The role claimed.
    pub role: Role,
    /// The account id.
    pub id: Uuid,
}

impl Actor {
    /// A customer acting for themself.
    pub fn customer(id: CustomerId) -> Self {
        Self { role: Role::Customer, id: id.as_uuid() }
    }

    /// A staff member acting in `role`.
    pub fn staff(role: Role, id: UserId) -> Self {
        Self { role, id: id.as_uuid() }
    }

    /// An expert acting on their own tickets.
    pub fn expert(id: ExpertId) -> Self {
        Self { role: Role::Expert, id: id.as_uuid() }
    }

    /// The library's own jobs.
    pub const fn system() -> Self {
        Self { role: Role::System, id: Uuid::nil() }
    }

    /// Refuses `action` for `reason`.
    pub fn deny(&self, action: Action, reason: DenyReason) -> Forbidden {
        Forbidden { actor: *self, action, reason }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}", self.role, self.id)
    }
}

/// Every command and query sysops authorizes.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Action {
    CreateStaffAccount,
    ChangeStaffRole,
    DeactivateStaffAccount,
    ReactivateStaffAccount,
    ViewStaffAccount,
    DefinePlan,
    RetirePlan,
    ViewPlan,
    RegisterCustomer,
    UpdateCustomerContact,
    MoveCustomer,
    ChangeCustomerPlan,
    ViewCustomer,
    RegisterExpert,
    UpdateExpertSkills,
    UpdateExpertServiceArea,
    UpdateExpertSchedule,
    AddExpertTimeOff,
    SetExpertCapacity,
    SetExpertActive,
    ViewExpert,
    FindExperts,
    SubmitTicket,
    AssignTicket,
    AcceptAssignment,
    RejectAssignment,
    ExpireAssignment,
    StartWork,
    CompleteWork,
    CancelTicket,
    CloseTicket,
    ReopenTicket,
    WaitForCustomer,
    ReplyToTicket,
    ViewTicket,
    ListOpenTickets,
    ListCustomerTickets,
    ListExpertTickets,
    AuditRecords,
    StartSubscription,
    ReplaceCard,
    CancelSubscription,
    ViewBilling,
    RunBilling,
    RetryPayment,
    RefundPayment,
    VoidInvoice,
    WriteOffInvoice,
    RotateCardKeys,
    WriteArticle,
    ReviseArticle,
    RetireArticle,
    ReadArticles,
    SearchCallers,
    RecordSolution,
    SendNotifications,
    EditTemplates,
    ViewNotifications,
    CheckDeadlines,
    AnswerSurvey,
    ProjectReports,
    ReadReports,
}

/// How far a role's permission for an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Never.
    None,
    /// Only on the actor's own records (a customer's own profile and tickets, an expert's own profile).
    Own,
    /// Only on tickets currently or formerly accepted by, or offered to, the expert.
    Assigned,
    /// On everything.
    All,
}

impl Action {
    /// Every action, for generated permission tests.
    pub const ALL: [Action; 62] = [
        Action::CreateStaffAccount,
        Action::ChangeStaffRole,
        Action::DeactivateStaffAccount,
        Action::ReactivateStaffAccount,
        Action::ViewStaffAccount,
        Action::DefinePlan,
        Action::RetirePlan,
        Action::ViewPlan,
        Action::RegisterCustomer,
        Action::UpdateCustomerContact,
        Action::MoveCustomer,
        Action::ChangeCustomerPlan,
        Action::ViewCustomer,
        Action::RegisterExpert,
        Action::UpdateExpertSkills,
        Action::UpdateExpertServiceArea,
        Action::UpdateExpertSchedule,
        Action::AddExpertTimeOff,
        Action::SetExpertCapacity,
        Action::SetExpertActive,
        Action::ViewExpert,
        Action::FindExperts,
        Action::SubmitTicket,
        Action::AssignTicket,
        Action::AcceptAssignment,
        Action::RejectAssignment,
        Action::ExpireAssignment,
        Action::StartWork,
        Action::CompleteWork,
        Action::CancelTicket,
        Action::CloseTicket,
        Action::ReopenTicket,
        Action::WaitForCustomer,
        Action::ReplyToTicket,
        Action::ViewTicket,
        Action::ListOpenTickets,
        Action::ListCustomerTickets,
        Action::ListExpertTickets,
        Action::AuditRecords,
        Action::StartSubscription,
        Action::ReplaceCard,
        Action::CancelSubscription,
        Action::ViewBilling,
        Action::RunBilling,
        Action::RetryPayment,
        Action::RefundPayment,
        Action::VoidInvoice,
        Action::WriteOffInvoice,
        Action::RotateCardKeys,
        Action::WriteArticle,
        Action::ReviseArticle,
        Action::RetireArticle,
        Action::ReadArticles,
        Action::SearchCallers,
        Action::RecordSolution,
        Action::SendNotifications,
        Action::EditTemplates,
        Action::ViewNotifications,
        Action::CheckDeadlines,
        Action::AnswerSurvey,
        Action::ProjectReports,
        Action::ReadReports,
    ];

    /// The policy: how far `role` may do this action.
    ///
    /// ```
    /// use sysops_core::{Action, Role, Scope};
    /// assert_eq!(Action::SubmitTicket.scope(Role::Customer), Scope::Own);
    /// assert_eq!(Action::AcceptAssignment.scope(Role::Expert), Scope::Assigned);
    /// assert_eq!(Action::AssignTicket.scope(Role::Manager), Scope::None);
    /// ```
    pub const fn scope(self, role: Role) -> Scope {
        use Action::*;
        use Role::*;
        use Scope as S;
        match (self, role) {
            // UC-1: internal accounts. System may create the first administrator.
            (CreateStaffAccount, Administrator | System) => S::All,
            (ChangeStaffRole | DeactivateStaffAccount | ReactivateStaffAccount, Administrator) => S::All,
            (ViewStaffAccount, Administrator | Manager | System) => S::All,
            (ViewStaffAccount, Helpdesk | Expert) => S::Own,
            // Plans.
            (DefinePlan | RetirePlan, Administrator) => S::All,
            (ViewPlan, _) => S::All,
            // Customers: self-service, or helpdesk and administrators for them.
            (RegisterCustomer | UpdateCustomerContact | MoveCustomer, Administrator | Helpdesk) => S::All,
            (RegisterCustomer | UpdateCustomerContact | MoveCustomer, Customer) => S::Own,
            (ChangeCustomerPlan, Administrator) => S::All,
            (ChangeCustomerPlan, Customer) => S::Own,
            (ViewCustomer, Administrator | Helpdesk | Manager | System) => S::All,
            (ViewCustomer, Customer) => S::Own,
            // Experts are edited by administrators only.
            (
                RegisterExpert
                | UpdateExpertSkills
                | UpdateExpertServiceArea
                | UpdateExpertSchedule
                | AddExpertTimeOff
                | SetExpertCapacity
                | SetExpertActive,
                Administrator,
            ) => S::All,
            (ViewExpert | FindExperts, Administrator | Helpdesk | Manager | System) => S::All,
            (ViewExpert, Expert) => S::Own,
            // The ticket workflow.
            (SubmitTicket, Helpdesk) => S::All,
            (SubmitTicket, Customer) => S::Own,
            (AssignTicket | ExpireAssignment, Administrator | System) => S::All,
            (AcceptAssignment | RejectAssignment | StartWork | CompleteWork, Expert) => S::Assigned,
            (CancelTicket | ReopenTicket, Administrator | Helpdesk) => S::All,
            (CancelTicket | ReopenTicket, Customer) => S::Own,
            // Waiting on the customer stops the deadlines' clock: set by whoever is waiting for
            // them (the expert holding the ticket, helpdesk), cleared by the customer's reply
            // (in the app, or by phone through helpdesk).
            (WaitForCustomer | ReplyToTicket, Administrator | Helpdesk) => S::All,
            (WaitForCustomer, Expert) => S::Assigned,
            (ReplyToTicket, Customer) => S::Own,
            (CloseTicket, Administrator | Helpdesk | System) => S::All,
            (CloseTicket, Customer) => S::Own,
            (ViewTicket, Administrator | Helpdesk | Manager | System) => S::All,
            (ViewTicket, Customer) => S::Own,
            (ViewTicket, Expert) => S::Assigned,
            (ListOpenTickets, Administrator | Helpdesk | Manager | System) => S::All,
            (ListCustomerTickets, Administrator | Helpdesk | Manager | System) => S::All,
            (ListCustomerTickets, Customer) => S::Own,
            (ListExpertTickets, Administrator | Helpdesk | Manager | System) => S::All,
            (ListExpertTickets, Expert) => S::Own,
            // Integrity: which stored records are quarantined.
            (AuditRecords, Administrator | System) => S::All,
            // Billing (the billing quantum): customers manage their own subscription and card
            // and read their own statements; administrators handle billing problems. Helpdesk,
            // managers and experts never see billing records, card details least of all.
            (StartSubscription | ReplaceCard | CancelSubscription, Administrator) => S::All,
            (StartSubscription | ReplaceCard | CancelSubscription, Customer) => S::Own,
            (ViewBilling, Administrator | System) => S::All,
            (ViewBilling, Customer) => S::Own,
            (RunBilling | RetryPayment | RotateCardKeys, Administrator | System) => S::All,
            (RefundPayment | VoidInvoice | WriteOffInvoice, Administrator) => S::All,
            // The knowledge base (UC-5, UC-9): experts write and improve articles, retire their
            // own; administrators curate all; every staff role and the library's jobs read.
            // Customers never see the internal troubleshooting notes.
            (WriteArticle | ReviseArticle | RetireArticle, Administrator) => S::All,
            (WriteArticle | ReviseArticle, Expert) => S::All,
            (RetireArticle, Expert) => S::Own,
            (ReadArticles, Administrator | Helpdesk | Expert | Manager | System) => S::All,
            // Which articles solved a finished ticket: the expert who did the work, or
            // helpdesk and administrators after a call.
            (RecordSolution, Administrator | Helpdesk) => S::All,
            (RecordSolution, Expert) => S::Assigned,
            // Helpdesk search (a caller found by ticket number, name, email or phone): the
            // staff who answer callers or oversee them. It reads every customer's contact
            // details, so customers and experts may not.
            (SearchCallers, Administrator | Helpdesk | Manager | System) => S::All,
            // Notifications (UC-4, UC-8): the library's consumer sends them; administrators
            // write the templates; staff who answer or oversee customers read what was sent
            // to whom, and a customer what was sent to them.
            (SendNotifications, Administrator | System) => S::All,
            (EditTemplates, Administrator) => S::All,
            (ViewNotifications, Administrator | Helpdesk | Manager | System) => S::All,
            (ViewNotifications, Customer) => S::Own,
            // The deadline job records tickets nearing or past their deadlines.
            (CheckDeadlines, Administrator | System) => S::All,
            // A survey is answered from its link by the customer whose ticket it asks about:
            // the token proves who they are, and nobody answers for them.
            (AnswerSurvey, Customer) => S::Own,
            // Reports (UC-6): the library's projector keeps their read models; managers and
            // administrators read them. They sum up every customer and expert, so customers
            // and experts may not, not even about themselves.
            (ProjectReports, Administrator | System) => S::All,
            (ReadReports, Administrator | Manager | System) => S::All,
            _ => S::None,
        }
    }
}

/// The actor's relation to the data an action touches, as far as the policy cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Target {
    /// The account that owns the data (customer or expert/staff id), if any.
    pub owner: Option<Uuid>,
    /// Whether the acting expert is (or was) assigned to the ticket concerned.
    pub assigned_to_actor: bool,
}

impl Target {
    /// Data owned by `owner`.
    pub fn owned_by(owner: impl Into<Uuid>) -> Self {
        Self { owner: Some(owner.into()), assigned_to_actor: false }
    }
}

/// Checks `actor` may do `action` on `target`, or says why not.
///
/// ```
/// use sysops_core::{authorize, Action, Actor, CustomerId, Target};
/// use uuid::Uuid;
/// let me = CustomerId::from_uuid(Uuid::from_u128(1));
/// let other = CustomerId::from_uuid(Uuid::from_u128(2));
/// assert!(authorize(&Actor::customer(me), Action::ViewTicket, Target::owned_by(me)).is_ok());
/// assert!(authorize(&Actor::customer(me), Action::ViewTicket, Target::owned_by(other)).is_err());
/// ```
pub fn authorize(actor: &Actor, action: Action, target: Target) -> Result<(), Forbidden> {
    match action.scope(actor.role) {
        Scope::All => Ok(()),
        Scope::None => Err(actor.deny(action, DenyReason::RoleNotAllowed)),
        Scope::Own if target.owner == Some(actor.id) => Ok(()),
        Scope::Own => Err(actor.deny(action, DenyReason::NotYours)),
        Scope::Assigned if target.assigned_to_actor => Ok(()),
        Scope::Assigned => Err(actor.deny(action, DenyReason::NotAssignedToYou)),
    }
}

/// Why an actor may not do an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DenyReason {
    /// The actor's role never may.
    RoleNotAllowed,
    /// A customer or expert acting on someone else's records.
    NotYours,
    /// An expert acting on a ticket not assigned to them.
    NotAssignedToYou,
    /// No staff account or customer has the actor's id.
    UnknownAccount,
    /// The staff account was deactivated.
    AccountDeactivated,
    /// The actor claims a role its account does not have.
    RoleMismatch {
        /// The account's real role.
        actual: Role,
    },
    /// Administrators may not demote or deactivate themselves (that could lock everyone out).
    OwnAccount,
}

/// The actor is not allowed to do this; nothing was changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{actor} may not {action:?}: {reason:?}")]
pub struct Forbidden {
    /// Who tried.
    pub actor: Actor,
    /// What they tried.
    pub action: Action,
    /// Why it was refused.
    pub reason: DenyReason,
}
