//! A reference model of the ticket workflow, written independently of [`Decide::decide`](crate::Decide::decide),
//! and a simulation that runs random commands through a [`Service`](crate::Service) and checks after
//! every step that the real system agrees with the model and keeps its invariants:
//!
//! - every command the model calls legal succeeds, every other one fails with the
//!   error the model predicts, and a failed command changes nothing;
//! - replaying a ticket's events rebuilds exactly the stored state, with gap-free sequences;
//! - every submitted ticket is stored, in exactly one state, and an open ticket is
//!   always in the open-ticket query (no ticket is ever lost).

use super::fixtures::{World, tv_ticket};
use crate::store::{Page, TicketFilter};
use crate::{
    Actor, Clock, Description, Error, ExpertId, NewTicket, ProductCategory, Reason, Role, Sequence, SkillLevel,
    StaffCommand, Store, Ticket, TicketCommand, TicketError, TicketId, TicketStatus, WorkNotes,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeSet, HashSet};

/// Where the workflow goes from `status` on command `kind`, if anywhere (DESIGN.md's diagram);
/// a ticket waiting on its customer returns to `resumes` when they reply.
pub fn next_status(status: TicketStatus, kind: CommandKind, resumes: TicketStatus) -> Option<TicketStatus> {
    use CommandKind as C;
    use TicketStatus::*;
    match (status, kind) {
        (Open | Accepted | InProgress, C::WaitForCustomer) => Some(WaitingForCustomer),
        (WaitingForCustomer, C::Reply) => Some(resumes),
        (Open, C::Assign) => Some(Assigned),
        (Assigned, C::Accept) => Some(Accepted),
        (Assigned, C::Reject | C::Expire) => Some(Open),
        (Accepted, C::Start) => Some(InProgress),
        (InProgress, C::Complete) => Some(Completed),
        (Open | Assigned | Accepted, C::Cancel) => Some(Cancelled),
        (Completed, C::Close) => Some(Closed),
        (Completed, C::Reopen) => Some(Open),
        _ => None,
    }
}

/// The ticket commands, without their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandKind {
    Assign,
    Accept,
    Reject,
    Expire,
    Start,
    Complete,
    Cancel,
    Close,
    Reopen,
    WaitForCustomer,
    Reply,
}

impl CommandKind {
    pub const ALL: [CommandKind; 11] = [
        CommandKind::Assign,
        CommandKind::Accept,
        CommandKind::Reject,
        CommandKind::Expire,
        CommandKind::Start,
        CommandKind::Complete,
        CommandKind::Cancel,
        CommandKind::Close,
        CommandKind::Reopen,
        CommandKind::WaitForCustomer,
        CommandKind::Reply,
    ];

    /// A concrete command of this kind (assigning to `expert`).
    pub fn command(self, expert: ExpertId) -> TicketCommand {
        let reason = || Reason::new("reason given").unwrap();
        match self {
            CommandKind::Assign => TicketCommand::Assign { expert, rationale: None },
            CommandKind::Accept => TicketCommand::Accept,
            CommandKind::Reject => TicketCommand::Reject { reason: reason() },
            CommandKind::Expire => TicketCommand::Expire,
            CommandKind::Start => TicketCommand::Start,
            CommandKind::Complete => TicketCommand::Complete { notes: WorkNotes::new("replaced the board").unwrap() },
            CommandKind::Cancel => TicketCommand::Cancel { reason: reason() },
            CommandKind::Close => TicketCommand::Close,
            CommandKind::Reopen => TicketCommand::Reopen { reason: reason() },
            CommandKind::WaitForCustomer => TicketCommand::WaitForCustomer { reason: reason() },
            CommandKind::Reply => TicketCommand::Reply,
        }
    }
}

/// The kind of error a command failed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    Forbidden,
    NotFound,
    InvalidTransition,
    ExpertExcluded,
    OfferExpired,
    DeadlineNotReached,
    ReopenWindowClosed,
    NotCovered,
    Unqualified,
    Other,
}

impl ErrorKind {
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Ticket(TicketError::InvalidTransition { .. }) => ErrorKind::InvalidTransition,
            Error::Ticket(TicketError::ExpertExcluded { .. }) => ErrorKind::ExpertExcluded,
            Error::Ticket(TicketError::OfferExpired { .. }) => ErrorKind::OfferExpired,
            Error::Ticket(TicketError::DeadlineNotReached { .. }) => ErrorKind::DeadlineNotReached,
            Error::Ticket(TicketError::ReopenWindowClosed { .. }) => ErrorKind::ReopenWindowClosed,
            Error::Ticket(TicketError::NotCovered { .. }) => ErrorKind::NotCovered,
            Error::Ticket(TicketError::ExpertUnqualified { .. }) => ErrorKind::Unqualified,
            _ => ErrorKind::Other,
        }
    }
}

/// One random step: raw numbers, so proptest and fuzzers can produce it from anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    /// Which operation (submit, a workflow command, or advancing the clock).
    pub kind: u8,
    /// Which ticket.
    pub ticket: u8,
    /// Who acts.
    pub who: u8,
    /// A parameter: customer, expert, level, minutes.
    pub arg: u16,
}

/// The acting identities the simulation picks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Helpdesk,
    Manager,
    System,
    Customer(usize),
    Expert(usize),
    DeactivatedExpert,
    UnknownCustomer,
}

const WHO: [Who; 11] = [
    Who::Admin,
    Who::Helpdesk,
    Who::Manager,
    Who::System,
    Who::Customer(0),
    Who::Customer(1),
    Who::Expert(0),
    Who::Expert(1),
    Who::Expert(2),
    Who::DeactivatedExpert,
    Who::UnknownCustomer,
];

/// The model's view of one ticket.
#[derive(Debug, Clone)]
struct ModelTicket {
    id: TicketId,
    customer: usize,
    level: u8,
    status: TicketStatus,
    /// Where a wait on the customer returns to.
    resumes: TicketStatus,
    expert: Option<usize>,
    respond_by: DateTime<Utc>,
    completed_at: DateTime<Utc>,
    excluded: BTreeSet<usize>,
}

/// Experts 0 and 1 have level 3, expert 2 level 1; "expert 3" has an account but no profile.
const EXPERT_LEVELS: [u8; 3] = [3, 3, 1];

/// Drives a [`World`] with [`Op`]s and checks it against the model after every step.
pub struct Simulation<S> {
    world: World<S>,
    tickets: Vec<ModelTicket>,
    no_profile: ExpertId,
    deactivated: Actor,
    /// How many commands succeeded, by kind: shows the run exercised the workflow.
    pub accepted: std::collections::HashMap<&'static str, usize>,
}

impl<S: Store> Simulation<S> {
    /// A world with two customers and three experts on `store`.
    pub async fn new(store: S) -> Result<Self, Error> {
        let mut world = World::new(store, 2, 0).await?;
        world.add_expert(0, 3).await?;
        world.add_expert(1, 3).await?;
        world.add_expert(2, 1).await?;
        let no_profile = ExpertId::from(world.expert_account(3).await?);
        let deactivated_account = world.expert_account(4).await?;
        world.service.register_expert(world.admin, deactivated_account, super::fixtures::profile(4, 3)).await?;
        world.service.change_staff_account(world.admin, deactivated_account, StaffCommand::Deactivate).await?;
        let deactivated = Actor::staff(Role::Expert, deactivated_account);
        Ok(Self { world, tickets: Vec::new(), no_profile, deactivated, accepted: Default::default() })
    }

    fn actor(&self, who: Who) -> Actor {
        match who {
            Who::Admin => self.world.admin,
            Who::Helpdesk => self.world.helpdesk,
            Who::Manager => self.world.manager,
            Who::System => Actor::system(),
            Who::Customer(n) => self.world.customer(n),
            Who::Expert(n) => self.world.expert(n),
            Who::DeactivatedExpert => self.deactivated,
            Who::UnknownCustomer => Actor { role: Role::Customer, id: uuid::Uuid::from_u128(0xdead_beef) },
        }
    }

    fn expert_id(&self, n: usize) -> ExpertId {
        self.world.experts.get(n).map_or(self.no_profile, |e| e.id)
    }

    /// Runs one step and checks every invariant; `Err` describes the first violation.
    pub async fn step(&mut self, op: Op) -> Result<(), String> {
        let now = self.world.clock.now();
        // Half the steps are taken by whoever is entitled, so runs get deep into the
        // workflow; the other half by anyone at all, to probe authorization.
        let anyone = WHO[usize::from(op.who) % WHO.len()];
        let guided = op.who & 0x80 == 0;
        match op.kind % 14 {
            0 => {
                let who = if guided { Who::Customer(usize::from(op.arg) % 2) } else { anyone };
                self.submit(who, self.actor(who), op.arg).await?
            }
            13 => {
                let minutes = if op.arg % 2 == 0 { i64::from(op.arg % 47) } else { i64::from(op.arg) % 4_400 };
                self.world.clock.advance(Duration::minutes(minutes)).unwrap();
            }
            k => {
                if self.tickets.is_empty() {
                    return Ok(());
                }
                let index = usize::from(op.ticket) % self.tickets.len();
                let t = &self.tickets[index];
                let kind = match (guided && op.kind & 0x40 == 0, t.status) {
                    (true, TicketStatus::Open) => CommandKind::Assign,
                    (true, TicketStatus::Assigned) => CommandKind::Accept,
                    (true, TicketStatus::Accepted | TicketStatus::InProgress) if op.arg & 16 != 0 => {
                        CommandKind::WaitForCustomer
                    }
                    (true, TicketStatus::WaitingForCustomer) => CommandKind::Reply,
                    (true, TicketStatus::Accepted) => CommandKind::Start,
                    (true, TicketStatus::InProgress) => CommandKind::Complete,
                    (true, TicketStatus::Completed) if op.arg & 8 == 0 => CommandKind::Close,
                    _ => CommandKind::ALL[usize::from(k - 1) % CommandKind::ALL.len()],
                };
                let expert = usize::from(op.arg) % 4;
                let who = if guided { self.entitled(&self.tickets[index], kind, op.who) } else { anyone };
                self.command(index, kind, who, self.actor(who), expert, now).await?;
            }
        }
        self.check_invariants().await
    }

    async fn submit(&mut self, who: Who, actor: Actor, arg: u16) -> Result<(), String> {
        let customer = usize::from(arg) % 2;
        let level = if arg & 2 == 0 { 1 } else { 3 };
        let covered = arg & 4 == 0;
        let request = NewTicket {
            category: if covered { ProductCategory::Television } else { ProductCategory::Printer },
            description: Description::new(format!("ticket {}", self.tickets.len())).unwrap(),
            required_level: SkillLevel::new(level).unwrap(),
        };
        let expected = match who {
            Who::Helpdesk => None,
            Who::Customer(n) if n == customer => None,
            _ => Some(ErrorKind::Forbidden),
        }
        .or((!covered).then_some(ErrorKind::NotCovered));
        let result = self.world.service.submit_ticket(actor, self.world.customers[customer].id, request).await;
        match (result, expected) {
            (Ok(ticket), None) => {
                self.count("Submit");
                self.tickets.push(ModelTicket {
                    id: ticket.id,
                    customer,
                    level: level as u8,
                    status: TicketStatus::Open,
                    resumes: TicketStatus::Open,
                    expert: None,
                    respond_by: ticket.submitted_at,
                    completed_at: ticket.submitted_at,
                    excluded: BTreeSet::new(),
                });
                Ok(())
            }
            (Err(e), Some(kind)) if ErrorKind::of(&e) == kind => Ok(()),
            (got, want) => Err(format!("submit by {who:?}: expected {want:?}, got {got:?}")),
        }
    }

    /// Someone the model thinks may issue `kind` on `t` (falling back to the administrator).
    fn entitled(&self, t: &ModelTicket, kind: CommandKind, pick: u8) -> Who {
        use CommandKind as C;
        match kind {
            C::Assign | C::Expire if pick % 2 == 0 => Who::System,
            C::Accept | C::Reject | C::Start | C::Complete => t.expert.map_or(Who::Admin, Who::Expert),
            C::Cancel | C::Close | C::Reopen | C::Reply if pick % 2 == 0 => Who::Customer(t.customer),
            C::Cancel | C::Close | C::Reopen | C::Reply => Who::Helpdesk,
            C::WaitForCustomer if pick % 2 == 0 => t.expert.map_or(Who::Helpdesk, Who::Expert),
            C::WaitForCustomer => Who::Helpdesk,
            _ => Who::Admin,
        }
    }

    /// What the model says `kind` by `who` on ticket `t` must do.
    fn predict(
        &self,
        t: &ModelTicket,
        kind: CommandKind,
        who: Who,
        expert: usize,
        now: DateTime<Utc>,
    ) -> Result<TicketStatus, ErrorKind> {
        use CommandKind as C;
        let owner = who == Who::Customer(t.customer);
        let allowed = match kind {
            C::Assign | C::Expire => matches!(who, Who::Admin | Who::System),
            C::Accept | C::Reject | C::Start | C::Complete => {
                matches!(who, Who::Expert(n) if t.expert == Some(n))
            }
            C::Cancel | C::Reopen | C::Reply => matches!(who, Who::Admin | Who::Helpdesk) || owner,
            C::WaitForCustomer => {
                matches!(who, Who::Admin | Who::Helpdesk) || matches!(who, Who::Expert(n) if t.expert == Some(n))
            }
            C::Close => matches!(who, Who::Admin | Who::Helpdesk | Who::System) || owner,
        };
        if !allowed {
            return Err(ErrorKind::Forbidden);
        }
        let next = next_status(t.status, kind, t.resumes).ok_or(ErrorKind::InvalidTransition)?;
        match kind {
            C::Assign if t.excluded.contains(&expert) => Err(ErrorKind::ExpertExcluded),
            C::Assign if expert >= EXPERT_LEVELS.len() => Err(ErrorKind::NotFound),
            C::Assign if EXPERT_LEVELS[expert] < t.level => Err(ErrorKind::Unqualified),
            C::Accept if now >= t.respond_by => Err(ErrorKind::OfferExpired),
            C::Expire if now < t.respond_by => Err(ErrorKind::DeadlineNotReached),
            C::Reopen if now > t.completed_at + Duration::days(7) => Err(ErrorKind::ReopenWindowClosed),
            _ => Ok(next),
        }
    }

    async fn command(
        &mut self,
        index: usize,
        kind: CommandKind,
        who: Who,
        actor: Actor,
        expert: usize,
        now: DateTime<Utc>,
    ) -> Result<(), String> {
        let model = self.tickets[index].clone();
        let before: Ticket = self.world.service.ticket(Actor::system(), model.id).await.map_err(|e| e.to_string())?;
        let expected = self.predict(&model, kind, who, expert, now);
        let result = self.world.service.handle_ticket(actor, model.id, kind.command(self.expert_id(expert))).await;
        match (&result, expected) {
            (Ok(after), Ok(status)) if after.status() == status => {
                self.count(kind_name(kind));
                let t = &mut self.tickets[index];
                match kind {
                    CommandKind::Assign => {
                        t.expert = Some(expert);
                        t.respond_by = now + Duration::minutes(30);
                    }
                    CommandKind::Reject | CommandKind::Expire => {
                        t.excluded.extend(t.expert.take());
                    }
                    CommandKind::Complete => t.completed_at = now,
                    CommandKind::Reopen | CommandKind::Cancel | CommandKind::Close => t.expert = None,
                    CommandKind::WaitForCustomer => t.resumes = t.status,
                    _ => {}
                }
                t.status = status;
                Ok(())
            }
            (Err(e), Err(want)) if ErrorKind::of(e) == want => {
                let after: Ticket =
                    self.world.service.ticket(Actor::system(), model.id).await.map_err(|e| e.to_string())?;
                if after != before {
                    return Err(format!("{kind:?} by {who:?} failed with {e} but changed the ticket"));
                }
                Ok(())
            }
            (got, want) => Err(format!(
                "{kind:?} by {who:?} (expert {expert}) on a {:?} ticket: model expects {want:?}, got {:?}",
                model.status,
                got.as_ref().map(Ticket::status)
            )),
        }
    }

    fn count(&mut self, name: &'static str) {
        *self.accepted.entry(name).or_default() += 1;
    }

    /// Checks the stored tickets against the model and their own histories.
    pub async fn check_invariants(&self) -> Result<(), String> {
        let service = &self.world.service;
        let system = Actor::system();
        let open: HashSet<TicketId> = service
            .tickets(system, TicketFilter::open(), Page::first(Page::MAX_LIMIT))
            .await
            .map_err(|e| e.to_string())?
            .iter()
            .map(|t| t.id)
            .collect();
        let mut listed = HashSet::new();
        for n in 0..self.world.customers.len() {
            let filter = TicketFilter::of_customer(self.world.customers[n].id);
            for t in service.tickets(system, filter, Page::first(Page::MAX_LIMIT)).await.map_err(|e| e.to_string())? {
                listed.insert(t.id);
            }
        }
        for model in &self.tickets {
            let stored = service.ticket(system, model.id).await.map_err(|e| format!("ticket lost: {e}"))?;
            if stored.status() != model.status {
                return Err(format!("ticket {} is {:?}, the model says {:?}", model.id, stored.status(), model.status));
            }
            let replayed: Ticket = service.replayed(model.id).await.map_err(|e| format!("replay failed: {e}"))?;
            if replayed != stored {
                return Err(format!("replaying ticket {} gives {replayed:?}, stored {stored:?}", model.id));
            }
            let history = service.ticket_history(system, model.id).await.map_err(|e| e.to_string())?;
            if !history.iter().enumerate().all(|(i, e)| e.sequence == Sequence(i as u64 + 1)) {
                return Err(format!("ticket {} has gaps in its sequence", model.id));
            }
            if (stored.status() == TicketStatus::Open) != open.contains(&model.id) {
                return Err(format!(
                    "ticket {} ({:?}) is wrongly in or out of the open query",
                    model.id,
                    stored.status()
                ));
            }
            if !listed.contains(&model.id) {
                return Err(format!("ticket {} is missing from its customer's list", model.id));
            }
        }
        if open.len() != self.tickets.iter().filter(|t| t.status == TicketStatus::Open).count() {
            return Err("the open query returns tickets the model does not know".into());
        }
        Ok(())
    }
}

fn kind_name(kind: CommandKind) -> &'static str {
    match kind {
        CommandKind::Assign => "Assign",
        CommandKind::Accept => "Accept",
        CommandKind::Reject => "Reject",
        CommandKind::Expire => "Expire",
        CommandKind::Start => "Start",
        CommandKind::Complete => "Complete",
        CommandKind::Cancel => "Cancel",
        CommandKind::Close => "Close",
        CommandKind::Reopen => "Reopen",
        CommandKind::WaitForCustomer => "WaitForCustomer",
        CommandKind::Reply => "Reply",
    }
}

/// A ticket submitted by the helpdesk for customer 0, for quick tests.
pub fn sample_ticket() -> NewTicket {
    tv_ticket("The TV shows no picture")
}
