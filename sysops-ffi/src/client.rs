//! [`Sysops`]: the handle hosts open by URL; every facade operation, converted and async.

use crate::assignment::{AssignmentReport, CostWeights, WaitingTickets};
use crate::customer::{Address, Contact, Customer};
use crate::enums::{RecordKind, StaffRole};
use crate::error::SysopsError;
use crate::expert::{Expert, ExpertPage, ExpertProfile, ExpertQuery, Skill, WeeklyHours, skills_from};
use crate::guard::{guard, guard_sync};
use crate::integrity::RecordAudit;
use crate::outbox::OutboxEntry;
use crate::plan::{PlanTerms, SupportPlan};
use crate::staff::{StaffAccount, StaffEvent};
use crate::ticket::{NewTicket, Ticket, TicketEvent, TicketFilter, TicketPage};
use crate::types::Timestamp;
use crate::value::{Actor, GeoPoint, count};
use chrono::TimeDelta;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use sysops_core as core;
use sysops_core::store::{ConsumerName, Page};
use sysops_core::{CustomerId, ExpertCommand, ExpertId, PlanId, TicketCommand, TicketId, UserId};
use sysops_storage::Options;
use uuid::Uuid;

/// Sysops on a database: open it once, share it, call it from any thread.
///
/// Every call names the acting [`Actor`] and is authorized before anything changes.
/// Calls that touch the database are `suspend` in Kotlin and `async` in Swift.
#[derive(uniffi::Object)]
pub struct Sysops {
    inner: sysops_storage::Sysops,
    /// Set for simulations: the clock the host advances.
    clock: Option<Arc<core::ManualClock>>,
    closed: AtomicBool,
}

fn reason(text: String) -> Result<core::Reason, SysopsError> {
    Ok(core::Reason::new(text)?)
}

fn page(after: Option<Uuid>, limit: i64) -> Result<Page, SysopsError> {
    let limit: u32 = count("limit", limit)?;
    Ok(Page { after, limit: limit.min(Page::MAX_LIMIT) })
}

fn consumer(name: String) -> Result<ConsumerName, SysopsError> {
    Ok(ConsumerName::new(name)?)
}

fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

impl Sysops {
    /// A handle on a facade a Rust host opened itself (say, with `Options` for a PostgreSQL
    /// schema or its own clock); not exported to other languages.
    pub fn with_facade(inner: sysops_storage::Sysops) -> Arc<Self> {
        Arc::new(Sysops { inner, clock: None, closed: AtomicBool::new(false) })
    }

    /// The facade, unless the handle was closed.
    fn api(&self) -> Result<&sysops_storage::Sysops, SysopsError> {
        if self.closed.load(Ordering::Acquire) { Err(SysopsError::Closed) } else { Ok(&self.inner) }
    }

    async fn ticket_command(&self, actor: Actor, ticket: Uuid, command: TicketCommand) -> Result<Ticket, SysopsError> {
        Ok(self.api()?.handle_ticket(actor.into(), TicketId::from_uuid(ticket), command).await?.into())
    }

    async fn expert_command(&self, actor: Actor, expert: Uuid, command: ExpertCommand) -> Result<Expert, SysopsError> {
        Ok(self.api()?.update_expert(actor.into(), ExpertId::from_uuid(expert), command).await?.into())
    }

    async fn staff_command(
        &self,
        actor: Actor,
        account: Uuid,
        command: core::StaffCommand,
    ) -> Result<StaffAccount, SysopsError> {
        Ok(self.api()?.change_staff_account(actor.into(), UserId::from_uuid(account), command).await?.into())
    }

    async fn customer_command(
        &self,
        actor: Actor,
        customer: Uuid,
        command: core::CustomerCommand,
    ) -> Result<Customer, SysopsError> {
        Ok(self.api()?.update_customer(actor.into(), CustomerId::from_uuid(customer), command).await?.into())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Opens the database at `url`: `sqlite://path/to/file.db`, `sqlite::memory:` or `postgres://...`.
    /// The schema is created or migrated; a newer or corrupt database is refused untouched.
    #[uniffi::constructor]
    pub async fn open(url: String) -> Result<Arc<Self>, SysopsError> {
        guard(async move {
            let inner = sysops_storage::Sysops::open(&url).await?;
            Ok(Arc::new(Sysops { inner, clock: None, closed: AtomicBool::new(false) }))
        })
        .await
    }

    /// Opens `url` for a simulation or a test: time starts at `start` and moves only by
    /// [`advance_clock`](Self::advance_clock); ids are deterministic for `id_seed`, so the same
    /// calls give the same records in every language.
    #[uniffi::constructor]
    pub async fn open_simulated(url: String, start: Timestamp, id_seed: u64) -> Result<Arc<Self>, SysopsError> {
        guard(async move {
            let clock = Arc::new(core::ManualClock::new(start)?);
            let options = Options {
                clock: clock.clone(),
                ids: Arc::new(core::SequentialIds::new(id_seed)),
                ..Options::default()
            };
            let inner = sysops_storage::Sysops::open_with(&url, options).await?;
            Ok(Arc::new(Sysops { inner, clock: Some(clock), closed: AtomicBool::new(false) }))
        })
        .await
    }

    /// Moves a simulated clock forward; refused on a handle opened with the real clock.
    pub fn advance_clock(&self, by: TimeDelta) -> Result<Timestamp, SysopsError> {
        guard_sync(|| {
            self.api()?;
            let clock = self.clock.as_ref().ok_or_else(|| SysopsError::RuleViolated {
                rule: "RealClock".to_owned(),
                detail: "only a handle opened with open_simulated has a clock to advance".to_owned(),
            })?;
            if by < TimeDelta::zero() {
                return Err(SysopsError::InvalidInput {
                    field: "by".to_owned(),
                    reason: "time only moves forward".to_owned(),
                });
            }
            Ok(clock.advance(by)?)
        })
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> String {
        self.inner.backend_name().to_owned()
    }

    /// Closes the database connections; every later call fails with [`SysopsError::Closed`].
    /// (Named so because Kotlin's `close()` is `AutoCloseable`'s, which frees the handle.)
    pub async fn shutdown(&self) -> Result<(), SysopsError> {
        guard(async move {
            if !self.closed.swap(true, Ordering::AcqRel) {
                self.inner.close().await;
            }
            Ok(())
        })
        .await
    }

    // --- staff accounts ---

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
            Ok(self.api()?.create_staff_account(actor.into(), name, email, role.into()).await?.into())
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
        guard(async move { self.staff_command(actor, account, core::StaffCommand::ChangeRole(role.into())).await })
            .await
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

    // --- plans ---

    /// Defines a support plan.
    pub async fn define_plan(&self, actor: Actor, terms: PlanTerms) -> Result<SupportPlan, SysopsError> {
        guard(async move { Ok(self.api()?.define_plan(actor.into(), terms.try_into()?).await?.into()) }).await
    }

    /// Retires a plan: its customers keep it, new customers cannot choose it.
    pub async fn retire_plan(&self, actor: Actor, plan: Uuid) -> Result<SupportPlan, SysopsError> {
        guard(async move { Ok(self.api()?.retire_plan(actor.into(), PlanId::from_uuid(plan)).await?.into()) }).await
    }

    /// A support plan.
    pub async fn plan(&self, actor: Actor, plan: Uuid) -> Result<SupportPlan, SysopsError> {
        guard(async move { Ok(self.api()?.plan(actor.into(), PlanId::from_uuid(plan)).await?.into()) }).await
    }

    // --- customers ---

    /// Registers a customer on a plan (helpdesk by phone, or the customer themself on the web).
    pub async fn register_customer(
        &self,
        actor: Actor,
        contact: Contact,
        address: Address,
        plan: Uuid,
    ) -> Result<Customer, SysopsError> {
        guard(async move {
            let (contact, address) = (contact.try_into()?, address.try_into()?);
            Ok(self.api()?.register_customer(actor.into(), contact, address, PlanId::from_uuid(plan)).await?.into())
        })
        .await
    }

    /// Changes a customer's contact details.
    pub async fn update_customer_contact(
        &self,
        actor: Actor,
        customer: Uuid,
        contact: Contact,
    ) -> Result<Customer, SysopsError> {
        guard(async move {
            self.customer_command(actor, customer, core::CustomerCommand::UpdateContact(contact.try_into()?)).await
        })
        .await
    }

    /// Moves a customer to a new address.
    pub async fn move_customer(&self, actor: Actor, customer: Uuid, address: Address) -> Result<Customer, SysopsError> {
        guard(async move {
            self.customer_command(actor, customer, core::CustomerCommand::Move(address.try_into()?)).await
        })
        .await
    }

    /// Moves a customer to another plan.
    pub async fn change_customer_plan(
        &self,
        actor: Actor,
        customer: Uuid,
        plan: Uuid,
    ) -> Result<Customer, SysopsError> {
        guard(async move {
            let (customer, plan) = (CustomerId::from_uuid(customer), PlanId::from_uuid(plan));
            Ok(self.api()?.change_customer_plan(actor.into(), customer, plan).await?.into())
        })
        .await
    }

    /// A customer's profile.
    pub async fn customer(&self, actor: Actor, customer: Uuid) -> Result<Customer, SysopsError> {
        guard(async move { Ok(self.api()?.customer(actor.into(), CustomerId::from_uuid(customer)).await?.into()) })
            .await
    }

    // --- experts ---

    /// Registers the expert profile of a staff account with the expert role.
    pub async fn register_expert(
        &self,
        actor: Actor,
        account: Uuid,
        profile: ExpertProfile,
    ) -> Result<Expert, SysopsError> {
        guard(async move {
            Ok(self.api()?.register_expert(actor.into(), UserId::from_uuid(account), profile.try_into()?).await?.into())
        })
        .await
    }

    /// Replaces an expert's skills.
    pub async fn set_expert_skills(
        &self,
        actor: Actor,
        expert: Uuid,
        skills: Vec<Skill>,
    ) -> Result<Expert, SysopsError> {
        guard(async move { self.expert_command(actor, expert, ExpertCommand::SetSkills(skills_from(skills)?)).await })
            .await
    }

    /// Moves an expert's base and service radius (km).
    pub async fn set_expert_service_area(
        &self,
        actor: Actor,
        expert: Uuid,
        base: GeoPoint,
        radius_km: i64,
    ) -> Result<Expert, SysopsError> {
        guard(async move {
            let command =
                ExpertCommand::SetServiceArea { base: base.try_into()?, radius_km: core::RadiusKm::new(radius_km)? };
            self.expert_command(actor, expert, command).await
        })
        .await
    }

    /// Replaces an expert's weekly hours.
    pub async fn set_expert_hours(
        &self,
        actor: Actor,
        expert: Uuid,
        hours: WeeklyHours,
    ) -> Result<Expert, SysopsError> {
        guard(async move { self.expert_command(actor, expert, ExpertCommand::SetHours(hours.try_into()?)).await }).await
    }

    /// Adds a period off.
    pub async fn add_expert_time_off(
        &self,
        actor: Actor,
        expert: Uuid,
        start: Timestamp,
        until: Timestamp,
    ) -> Result<Expert, SysopsError> {
        guard(async move {
            self.expert_command(actor, expert, ExpertCommand::AddTimeOff(core::TimeOff::new(start, until)?)).await
        })
        .await
    }

    /// Sets how many tickets an expert holds at once (1..=50).
    pub async fn set_expert_capacity(&self, actor: Actor, expert: Uuid, capacity: i64) -> Result<Expert, SysopsError> {
        guard(async move {
            self.expert_command(actor, expert, ExpertCommand::SetCapacity(core::Capacity::new(capacity)?)).await
        })
        .await
    }

    /// Activates or deactivates an expert (inactive experts get no offers).
    pub async fn set_expert_active(&self, actor: Actor, expert: Uuid, active: bool) -> Result<Expert, SysopsError> {
        guard(async move { self.expert_command(actor, expert, ExpertCommand::SetActive(active)).await }).await
    }

    /// An expert's profile.
    pub async fn expert(&self, actor: Actor, expert: Uuid) -> Result<Expert, SysopsError> {
        guard(async move { Ok(self.api()?.expert(actor.into(), ExpertId::from_uuid(expert)).await?.into()) }).await
    }

    /// Experts matching `query`, `limit` at a time after the expert id `after`.
    pub async fn find_experts(
        &self,
        actor: Actor,
        query: ExpertQuery,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<ExpertPage, SysopsError> {
        guard(async move {
            Ok(self.api()?.find_experts(actor.into(), query.try_into()?, page(after, limit)?).await?.into())
        })
        .await
    }

    // --- tickets ---

    /// Submits a ticket for `customer`; it is stored before this returns.
    pub async fn submit_ticket(&self, actor: Actor, customer: Uuid, request: NewTicket) -> Result<Ticket, SysopsError> {
        guard(async move {
            Ok(self
                .api()?
                .submit_ticket(actor.into(), CustomerId::from_uuid(customer), request.try_into()?)
                .await?
                .into())
        })
        .await
    }

    /// Offers a ticket to an expert by hand (administrators); the job does this for open tickets.
    pub async fn assign_ticket(&self, actor: Actor, ticket: Uuid, expert: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(
                actor,
                ticket,
                TicketCommand::Assign { expert: ExpertId::from_uuid(expert), rationale: None },
            )
            .await
        })
        .await
    }

    /// The expert accepts the ticket offered to them.
    pub async fn accept_ticket(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { self.ticket_command(actor, ticket, TicketCommand::Accept).await }).await
    }

    /// The expert rejects the ticket offered to them, saying why; it goes to someone else.
    pub async fn reject_ticket(&self, actor: Actor, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(actor, ticket, TicketCommand::Reject { reason: self::reason(reason)? }).await
        })
        .await
    }

    /// The expert starts work on an accepted ticket.
    pub async fn start_work(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { self.ticket_command(actor, ticket, TicketCommand::Start).await }).await
    }

    /// The expert completes the work, with notes.
    pub async fn complete_ticket(&self, actor: Actor, ticket: Uuid, notes: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            let notes = core::WorkNotes::new(notes)?;
            self.ticket_command(actor, ticket, TicketCommand::Complete { notes }).await
        })
        .await
    }

    /// Cancels a ticket not yet being worked on.
    pub async fn cancel_ticket(&self, actor: Actor, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(actor, ticket, TicketCommand::Cancel { reason: self::reason(reason)? }).await
        })
        .await
    }

    /// Closes a completed ticket.
    pub async fn close_ticket(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { self.ticket_command(actor, ticket, TicketCommand::Close).await }).await
    }

    /// Reopens a completed ticket within the plan's window.
    pub async fn reopen_ticket(&self, actor: Actor, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(actor, ticket, TicketCommand::Reopen { reason: self::reason(reason)? }).await
        })
        .await
    }

    /// A ticket, if the actor may see it.
    pub async fn ticket(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { Ok(self.api()?.ticket(actor.into(), TicketId::from_uuid(ticket)).await?.into()) }).await
    }

    /// A ticket's history, oldest first.
    pub async fn ticket_history(&self, actor: Actor, ticket: Uuid) -> Result<Vec<TicketEvent>, SysopsError> {
        guard(async move { Ok(all(self.api()?.ticket_history(actor.into(), TicketId::from_uuid(ticket)).await?)) })
            .await
    }

    /// Tickets matching `filter`, `limit` at a time after the ticket id `after`.
    pub async fn tickets(
        &self,
        actor: Actor,
        filter: TicketFilter,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<TicketPage, SysopsError> {
        guard(async move { Ok(self.api()?.tickets(actor.into(), filter.into(), page(after, limit)?).await?.into()) })
            .await
    }

    // --- assignment ---

    /// Runs the assignment job once: expires overdue offers, then offers open tickets to the best experts.
    pub async fn run_assignment(
        &self,
        actor: Actor,
        weights: Option<CostWeights>,
    ) -> Result<AssignmentReport, SysopsError> {
        guard(async move {
            let weights = weights.unwrap_or_default().try_into()?;
            Ok(self.api()?.run_assignment(actor.into(), &weights).await?.into())
        })
        .await
    }

    /// Expires every offer past its answer deadline; returns the tickets open again.
    pub async fn expire_overdue_offers(&self, actor: Actor) -> Result<Vec<Uuid>, SysopsError> {
        guard(async move {
            Ok(self.api()?.expire_overdue_offers(actor.into()).await?.into_iter().map(|t| t.as_uuid()).collect())
        })
        .await
    }

    /// Tickets waiting longer than their plan allows, most overdue first, with why.
    pub async fn tickets_waiting_too_long(&self, actor: Actor) -> Result<WaitingTickets, SysopsError> {
        guard(async move { Ok(self.api()?.tickets_waiting_too_long(actor.into()).await?.into()) }).await
    }

    // --- integrity ---

    /// Audits `limit` stored records of `kind` after the id `after` (administrators): which
    /// read back and replay exactly, and which are quarantined and why.
    pub async fn quarantined_records(
        &self,
        actor: Actor,
        kind: RecordKind,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<RecordAudit, SysopsError> {
        guard(async move {
            Ok(self.api()?.quarantined_records(actor.into(), kind.into(), page(after, limit)?).await?.into())
        })
        .await
    }

    // --- outbox ---

    /// Up to `limit` events `consumer` has not acknowledged yet, in commit order.
    pub async fn poll_outbox(&self, consumer: String, limit: i64) -> Result<Vec<OutboxEntry>, SysopsError> {
        guard(async move {
            let limit = count("limit", limit)?;
            Ok(all(self.api()?.poll_outbox(&self::consumer(consumer)?, limit).await?))
        })
        .await
    }

    /// Records that `consumer` handled everything up to `position`.
    pub async fn ack_outbox(&self, consumer: String, position: u64) -> Result<(), SysopsError> {
        guard(async move { Ok(self.api()?.ack_outbox(&self::consumer(consumer)?, position).await?) }).await
    }
}
