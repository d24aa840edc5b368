//! `sysops.Sysops`: the blocking handle. Every call releases the GIL while the database works.

use crate::args::{Category, Id};
use crate::errors::Failure;
use pyo3::prelude::*;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use sysops_ffi as ffi;
use sysops_ffi::Timestamp;
use sysops_ffi::python as loose;
use tokio::runtime::Runtime;

/// The one runtime every handle of the process runs its database calls on.
fn runtime() -> Result<&'static Runtime, Failure> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("sysops")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|detail| Failure(ffi::SysopsError::Internal { detail: format!("cannot start the runtime: {detail}") }))
}

/// Runs `call` to completion with the GIL released, so other Python threads keep running. A
/// panic anywhere in it (a bug) is `InternalError`, never PyO3's `PanicException`.
fn blocking<T: Send>(
    py: Python<'_>,
    call: impl Future<Output = Result<T, ffi::SysopsError>> + Send,
) -> Result<T, Failure> {
    let runtime = runtime()?;
    py.detach(|| ffi::guard_sync(|| runtime.block_on(call))).map_err(Failure)
}

/// Sysops on a database. Open it once and share it between threads.
///
/// >>> s = Sysops.open("sqlite:///var/lib/sysops.db")
/// >>> s.ticket(actor, "0195...")
#[pyclass(frozen, module = "sysops")]
pub(crate) struct Sysops {
    inner: Arc<ffi::Sysops>,
}

#[pymethods]
impl Sysops {
    /// Opens `sqlite://FILE`, `sqlite::memory:` or `postgres://...`, creating or migrating the schema.
    #[staticmethod]
    fn open(py: Python<'_>, url: String) -> Result<Self, Failure> {
        Ok(Sysops { inner: blocking(py, ffi::Sysops::open(url))? })
    }

    /// Opens `url` with a clock that starts at `start` and moves only by `advance_clock`, and
    /// deterministic ids: the same calls give the same records, in every language.
    #[staticmethod]
    #[pyo3(signature = (url, start, id_seed = None), text_signature = "(url, start, id_seed=1)")]
    fn open_simulated(
        py: Python<'_>,
        url: String,
        start: &Bound<'_, PyAny>,
        id_seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let start = loose::instant("start", start)?;
        let id_seed = id_seed.map_or(Ok(1), |seed| loose::unsigned("id_seed", seed))?;
        Ok(Sysops { inner: blocking(py, ffi::Sysops::open_simulated(url, start, id_seed))? })
    }

    /// Moves the simulated clock forward; returns the new time.
    fn advance_clock(&self, by: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
        let by = loose::duration("by", by)?;
        Ok(ffi::guard_sync(|| self.inner.advance_clock(by)).map_err(Failure)?)
    }

    /// `"sqlite"` or `"postgres"`.
    #[getter]
    fn backend(&self) -> String {
        self.inner.backend()
    }

    /// Closes the database; later calls raise `ClosedError`.
    fn close(&self, py: Python<'_>) -> Result<(), Failure> {
        blocking(py, self.inner.shutdown())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> Result<bool, Failure> {
        self.close(py)?;
        Ok(false)
    }

    // --- staff accounts ---

    /// Creates a staff account; `system_actor()` may create the first administrator.
    fn create_staff_account(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        name: String,
        email: String,
        role: ffi::StaffRole,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.create_staff_account(actor, name, email, role))
    }

    /// Gives a staff account another role.
    fn change_staff_role(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
        role: ffi::StaffRole,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.change_staff_role(actor, account.0, role))
    }

    /// Deactivates a staff account.
    fn deactivate_staff_account(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.deactivate_staff_account(actor, account.0))
    }

    /// Reactivates a staff account.
    fn reactivate_staff_account(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.reactivate_staff_account(actor, account.0))
    }

    /// A staff account.
    fn staff_account(&self, py: Python<'_>, actor: ffi::Actor, account: Id) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.staff_account(actor, account.0))
    }

    /// A staff account's audited history, oldest first.
    fn staff_account_history(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
    ) -> Result<Vec<ffi::StaffEvent>, Failure> {
        blocking(py, self.inner.staff_account_history(actor, account.0))
    }

    // --- plans ---

    /// Defines a support plan.
    fn define_plan(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        terms: ffi::PlanTerms,
    ) -> Result<ffi::SupportPlan, Failure> {
        blocking(py, self.inner.define_plan(actor, terms))
    }

    /// Retires a plan.
    fn retire_plan(&self, py: Python<'_>, actor: ffi::Actor, plan: Id) -> Result<ffi::SupportPlan, Failure> {
        blocking(py, self.inner.retire_plan(actor, plan.0))
    }

    /// A support plan.
    fn plan(&self, py: Python<'_>, actor: ffi::Actor, plan: Id) -> Result<ffi::SupportPlan, Failure> {
        blocking(py, self.inner.plan(actor, plan.0))
    }

    // --- customers ---

    /// Registers a customer on a plan.
    fn register_customer(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        contact: ffi::Contact,
        address: ffi::Address,
        plan: Id,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.register_customer(actor, contact, address, plan.0))
    }

    /// Changes a customer's contact details.
    fn update_customer_contact(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        contact: ffi::Contact,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.update_customer_contact(actor, customer.0, contact))
    }

    /// Moves a customer to a new address.
    fn move_customer(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        address: ffi::Address,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.move_customer(actor, customer.0, address))
    }

    /// Moves a customer to another plan.
    fn change_customer_plan(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        plan: Id,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.change_customer_plan(actor, customer.0, plan.0))
    }

    /// A customer's profile.
    fn customer(&self, py: Python<'_>, actor: ffi::Actor, customer: Id) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.customer(actor, customer.0))
    }

    // --- experts ---

    /// Registers the expert profile of a staff account with the expert role.
    fn register_expert(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
        profile: ffi::ExpertProfile,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.register_expert(actor, account.0, profile))
    }

    /// Replaces an expert's skills.
    fn set_expert_skills(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        skills: Vec<ffi::Skill>,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.set_expert_skills(actor, expert.0, skills))
    }

    /// Moves an expert's base and service radius (km).
    fn set_expert_service_area(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        base: ffi::GeoPoint,
        radius_km: &Bound<'_, PyAny>,
    ) -> PyResult<ffi::Expert> {
        let radius_km = loose::int("radius_km", radius_km)?;
        Ok(blocking(py, self.inner.set_expert_service_area(actor, expert.0, base, radius_km))?)
    }

    /// Replaces an expert's weekly hours.
    fn set_expert_hours(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        hours: ffi::WeeklyHours,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.set_expert_hours(actor, expert.0, hours))
    }

    /// Adds a period off (aware datetimes).
    fn add_expert_time_off(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        start: &Bound<'_, PyAny>,
        until: &Bound<'_, PyAny>,
    ) -> PyResult<ffi::Expert> {
        let (start, until) = (loose::instant("start", start)?, loose::instant("until", until)?);
        Ok(blocking(py, self.inner.add_expert_time_off(actor, expert.0, start, until))?)
    }

    /// Sets how many tickets an expert holds at once (1..=50).
    fn set_expert_capacity(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        capacity: &Bound<'_, PyAny>,
    ) -> PyResult<ffi::Expert> {
        let capacity = loose::int("capacity", capacity)?;
        Ok(blocking(py, self.inner.set_expert_capacity(actor, expert.0, capacity))?)
    }

    /// Activates or deactivates an expert.
    fn set_expert_active(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        active: bool,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.set_expert_active(actor, expert.0, active))
    }

    /// An expert's profile.
    fn expert(&self, py: Python<'_>, actor: ffi::Actor, expert: Id) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.expert(actor, expert.0))
    }

    /// Experts matching the filters, `limit` at a time after the expert id `after`.
    #[pyo3(
        signature = (actor, *, category = None, min_level = None, serving = None, active_only = false, after = None, limit = None),
        text_signature = "($self, actor, *, category=None, min_level=None, serving=None, active_only=False, after=None, limit=100)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn find_experts(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        category: Option<Category>,
        min_level: Option<&Bound<'_, PyAny>>,
        serving: Option<ffi::GeoPoint>,
        active_only: bool,
        after: Option<Id>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::ExpertPage> {
        let min_level = min_level.map(|l| loose::int("min_level", l)).transpose()?;
        let limit = limit.map_or(Ok(100), |l| loose::int("limit", l))?;
        let query = ffi::ExpertQuery { category: category.map(|c| c.0), min_level, serving, active_only };
        Ok(blocking(py, self.inner.find_experts(actor, query, after.map(|a| a.0), limit))?)
    }

    // --- tickets ---

    /// Submits a ticket for `customer`; it is stored before this returns.
    #[pyo3(
        signature = (actor, customer, *, category, description, required_level = None),
        text_signature = "($self, actor, customer, *, category, description, required_level=1)"
    )]
    fn submit_ticket(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        category: Category,
        description: String,
        required_level: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::Ticket> {
        let required_level = required_level.map_or(Ok(1), |l| loose::int("required_level", l))?;
        let request = ffi::NewTicket { category: category.0, description, required_level };
        Ok(blocking(py, self.inner.submit_ticket(actor, customer.0, request))?)
    }

    /// Offers a ticket to an expert by hand.
    fn assign_ticket(&self, py: Python<'_>, actor: ffi::Actor, ticket: Id, expert: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.assign_ticket(actor, ticket.0, expert.0))
    }

    /// The expert accepts the ticket offered to them.
    fn accept_ticket(&self, py: Python<'_>, actor: ffi::Actor, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.accept_ticket(actor, ticket.0))
    }

    /// The expert rejects the ticket offered to them, saying why.
    fn reject_ticket(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        ticket: Id,
        reason: String,
    ) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.reject_ticket(actor, ticket.0, reason))
    }

    /// The expert starts work.
    fn start_work(&self, py: Python<'_>, actor: ffi::Actor, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.start_work(actor, ticket.0))
    }

    /// The expert completes the work, with notes.
    fn complete_ticket(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        ticket: Id,
        notes: String,
    ) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.complete_ticket(actor, ticket.0, notes))
    }

    /// Cancels a ticket not yet being worked on.
    fn cancel_ticket(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        ticket: Id,
        reason: String,
    ) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.cancel_ticket(actor, ticket.0, reason))
    }

    /// Closes a completed ticket.
    fn close_ticket(&self, py: Python<'_>, actor: ffi::Actor, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.close_ticket(actor, ticket.0))
    }

    /// Reopens a completed ticket within the plan's window.
    fn reopen_ticket(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        ticket: Id,
        reason: String,
    ) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.reopen_ticket(actor, ticket.0, reason))
    }

    /// A ticket, if the actor may see it.
    fn ticket(&self, py: Python<'_>, actor: ffi::Actor, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.ticket(actor, ticket.0))
    }

    /// A ticket's history, oldest first.
    fn ticket_history(&self, py: Python<'_>, actor: ffi::Actor, ticket: Id) -> Result<Vec<ffi::TicketEvent>, Failure> {
        blocking(py, self.inner.ticket_history(actor, ticket.0))
    }

    /// Tickets matching the filters, `limit` at a time after the ticket id `after`.
    #[pyo3(
        signature = (actor, *, status = None, customer = None, expert = None, after = None, limit = None),
        text_signature = "($self, actor, *, status=None, customer=None, expert=None, after=None, limit=100)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn tickets(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        status: Option<ffi::TicketStatus>,
        customer: Option<Id>,
        expert: Option<Id>,
        after: Option<Id>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::TicketPage> {
        let limit = limit.map_or(Ok(100), |l| loose::int("limit", l))?;
        let filter = ffi::TicketFilter { status, customer: customer.map(|c| c.0), expert: expert.map(|e| e.0) };
        Ok(blocking(py, self.inner.tickets(actor, filter, after.map(|a| a.0), limit))?)
    }

    // --- assignment ---

    /// Runs the assignment job once.
    #[pyo3(signature = (actor, weights = None))]
    fn run_assignment(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        weights: Option<ffi::CostWeights>,
    ) -> Result<ffi::AssignmentReport, Failure> {
        blocking(py, self.inner.run_assignment(actor, weights))
    }

    /// Expires every offer past its answer deadline; returns the tickets open again.
    fn expire_overdue_offers(&self, py: Python<'_>, actor: ffi::Actor) -> Result<Vec<uuid::Uuid>, Failure> {
        blocking(py, self.inner.expire_overdue_offers(actor))
    }

    /// Tickets waiting longer than their plan allows, most overdue first.
    fn tickets_waiting_too_long(&self, py: Python<'_>, actor: ffi::Actor) -> Result<ffi::WaitingTickets, Failure> {
        blocking(py, self.inner.tickets_waiting_too_long(actor))
    }

    // --- integrity ---

    /// Audits stored records of `kind` (administrators): which read back and replay exactly,
    /// and which are quarantined and why; `limit` at a time after the id `after`.
    #[pyo3(
        signature = (actor, kind, *, after = None, limit = None),
        text_signature = "($self, actor, kind, *, after=None, limit=1000)"
    )]
    fn quarantined_records(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        kind: ffi::RecordKind,
        after: Option<Id>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::RecordAudit> {
        let limit = limit.map_or(Ok(1000), |l| loose::int("limit", l))?;
        Ok(blocking(py, self.inner.quarantined_records(actor, kind, after.map(|a| a.0), limit))?)
    }

    // --- outbox ---

    /// Up to `limit` events `consumer` has not acknowledged, in commit order.
    #[pyo3(signature = (consumer, limit = None), text_signature = "($self, consumer, limit=100)")]
    fn poll_outbox(
        &self,
        py: Python<'_>,
        consumer: String,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<ffi::OutboxEntry>> {
        let limit = limit.map_or(Ok(100), |l| loose::int("limit", l))?;
        Ok(blocking(py, self.inner.poll_outbox(consumer, limit))?)
    }

    /// Records that `consumer` handled everything up to `position`.
    fn ack_outbox(&self, py: Python<'_>, consumer: String, position: &Bound<'_, PyAny>) -> PyResult<()> {
        let position = loose::unsigned("position", position)?;
        Ok(blocking(py, self.inner.ack_outbox(consumer, position))?)
    }
}
