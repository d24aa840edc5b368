//! Helpdesk search: the caller on the line found by ticket number, name, email or phone.

use crate::client::Sysops;
use crate::customer::Customer;
use crate::enums::{LookupKind, TicketStatus};
use crate::error::SysopsError;
use crate::guard::guard;
use crate::integrity::{QuarantinedRecord, quarantined};
use crate::ticket::Ticket;
use crate::types::Timestamp;
use crate::value::Actor;
use sysops_core::helpdesk::{Found, TicketSearch, Window};

/// A page of customers a helpdesk search found, best match first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct CustomerResults {
    /// The customers on this page.
    pub customers: Vec<Customer>,
    /// Matches whose stored record cannot be read.
    pub quarantined: Vec<QuarantinedRecord>,
    /// What the text was taken as.
    pub matched_by: LookupKind,
    /// The `offset` of the next page, if there are more matches.
    pub next_offset: Option<u32>,
}

/// A page of tickets a helpdesk search found, best match first, then newest first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct TicketResults {
    /// The tickets on this page.
    pub tickets: Vec<Ticket>,
    /// Matches whose stored record cannot be read.
    pub quarantined: Vec<QuarantinedRecord>,
    /// What the text was taken as; absent when no text was given.
    pub matched_by: Option<LookupKind>,
    /// The `offset` of the next page, if there are more matches.
    pub next_offset: Option<u32>,
}

fn page<T, U: From<T>>(found: Found<T>) -> (Vec<U>, Vec<QuarantinedRecord>) {
    (found.items.into_iter().map(U::from).collect(), quarantined(found.quarantined))
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Customers matching what a caller said, best match first. `text` is one search box:
    /// a ticket id or number (its customer), an email address (any case), a phone number in
    /// any formatting (`(312) 555-0100`, `312.555.0100`, `+1 312 555 0100`: 7–15 digits; with
    /// its country code it must match the whole number, without one the numbers ending with
    /// it), or words of the name (each the start of a name word, any case or accents); at most
    /// 320 characters and 8 name words. `limit` 1–100 after `offset` (0–1,000). Helpdesk,
    /// managers and administrators may search.
    pub async fn find_customers(
        &self,
        actor: Actor,
        text: String,
        offset: u32,
        limit: u32,
    ) -> Result<CustomerResults, SysopsError> {
        guard(async move {
            let window = Window::new(offset, limit)?;
            let found = self.api()?.find_customers(actor.into(), &text, window).await?;
            // A customer search always has text, so always says what it was taken as.
            let matched_by = found.matched_by.unwrap_or(sysops_core::helpdesk::LookupKind::Name);
            let next_offset = found.next_offset;
            let (customers, quarantined) = page(found);
            Ok(CustomerResults { customers, quarantined, matched_by, next_offset })
        })
        .await
    }

    /// Tickets matching a search, best match first, then newest first: `text` as in
    /// `find_customers` (a ticket id or number finds that ticket, anything else the tickets of
    /// the customers it finds; absent: everyone's tickets), narrowed to `status` and to
    /// submission at or after `submitted_from` and before `submitted_to` (each optional; the
    /// window must not be empty). `limit` 1–100 after `offset` (0–1,000). Helpdesk, managers
    /// and administrators may search.
    #[allow(clippy::too_many_arguments)]
    pub async fn find_tickets(
        &self,
        actor: Actor,
        text: Option<String>,
        status: Option<TicketStatus>,
        submitted_from: Option<Timestamp>,
        submitted_to: Option<Timestamp>,
        offset: u32,
        limit: u32,
    ) -> Result<TicketResults, SysopsError> {
        guard(async move {
            let window = Window::new(offset, limit)?;
            let search = TicketSearch { text, status, submitted_from, submitted_to };
            let found = self.api()?.find_tickets(actor.into(), &search, window).await?;
            let (matched_by, next_offset) = (found.matched_by, found.next_offset);
            let (tickets, quarantined) = page(found);
            Ok(TicketResults { tickets, quarantined, matched_by, next_offset })
        })
        .await
    }
}
