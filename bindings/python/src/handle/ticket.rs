//! Tickets: submission, workflow, reading and listing, as methods of the Python handle.

use super::{Sysops, blocking};
use crate::args::{Category, Id};
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;
use sysops_ffi::python as loose;

#[pymethods]
impl Sysops {
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

    /// Waits on the customer: the ticket's deadlines stand still until they reply.
    fn wait_for_customer(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        ticket: Id,
        reason: String,
    ) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.wait_for_customer(actor, ticket.0, reason))
    }

    /// The customer replied to a ticket waiting on them: it resumes where it was.
    fn reply_to_ticket(&self, py: Python<'_>, actor: ffi::Actor, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.reply_to_ticket(actor, ticket.0))
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

    /// How many tickets match the filters (say, a customer's open tickets).
    #[pyo3(signature = (actor, *, status = None, customer = None, expert = None))]
    fn count_tickets(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        status: Option<ffi::TicketStatus>,
        customer: Option<Id>,
        expert: Option<Id>,
    ) -> Result<u64, Failure> {
        let filter = ffi::TicketFilter { status, customer: customer.map(|c| c.0), expert: expert.map(|e| e.0) };
        blocking(py, self.inner.count_tickets(actor, filter))
    }
}
