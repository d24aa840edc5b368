//! Helpdesk search: the caller on the line found by what they read out — ticket number, name,
//! email or phone — with their customer record and tickets (see [`crate::helpdesk`]).

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::customer::Customer;
use crate::helpdesk::{CustomerLookup, Found, LookupKey, TicketSearch, Window, finish};
use crate::persist::decode_state;
use crate::store::Store;
use crate::ticket::Ticket;

impl<S: Store> Service<S> {
    /// Customers matching what a caller said, best match first: for a ticket id or number,
    /// the ticket's customer. Helpdesk, managers and administrators may search.
    pub async fn find_customers(&self, actor: Actor, text: &str, window: Window) -> Result<Found<Customer>, Error> {
        self.may_search(actor).await?;
        let key = LookupKey::parse(text)?;
        let matched_by = Some(key.kind());
        let rows = self.store.find_customers(&CustomerLookup { key, window }).await?;
        Ok(finish(window, rows, matched_by, decode_state)?)
    }

    /// Tickets matching a search, best match first, then newest first: the ticket with that
    /// id or number, or the tickets of the customers matching the text; narrowed by status
    /// and submission time. Helpdesk, managers and administrators may search.
    pub async fn find_tickets(
        &self,
        actor: Actor,
        search: &TicketSearch,
        window: Window,
    ) -> Result<Found<Ticket>, Error> {
        self.may_search(actor).await?;
        let lookup = search.check(window)?;
        let matched_by = lookup.key.as_ref().map(LookupKey::kind);
        let rows = self.store.find_tickets(&lookup).await?;
        Ok(finish(window, rows, matched_by, decode_state)?)
    }

    async fn may_search(&self, actor: Actor) -> Result<(), Error> {
        let actor = self.verify(actor, Action::SearchCallers).await?;
        Ok(authorize(&actor, Action::SearchCallers, Target::default())?)
    }
}
