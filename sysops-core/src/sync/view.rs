//! What an expert's phone may hold of a ticket and of a customer.

use crate::aggregate::Aggregate;
use crate::customer::{Address, Contact, Customer};
use crate::id::{CustomerId, ExpertId};
use crate::ticket::Ticket;
use serde::{Deserialize, Serialize};

/// `ticket` as `expert` may see it, or `None` when it is not theirs now: they are its current
/// expert (offered, accepted, working, waiting on the customer, or finished and not closed).
/// Only the expert's own assignment attempts are kept: who else was offered the ticket, and
/// why they declined, is not theirs to read.
pub fn seen_by(ticket: &Ticket, expert: ExpertId) -> Option<Ticket> {
    if ticket.current_expert() != Some(expert) || ticket.status().is_final() {
        return None;
    }
    let mut seen = ticket.clone();
    seen.assignments.retain(|attempt| attempt.expert == expert);
    Some(seen)
}

/// What a visit needs of its customer: who, how to reach them, where to go. Never their
/// plan, billing, or suspension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerCard {
    /// The customer.
    pub id: CustomerId,
    /// The customer record's version this card was taken from.
    pub version: u64,
    /// Name, email, phone.
    pub contact: Contact,
    /// Where to go.
    pub address: Address,
}

impl From<&Customer> for CustomerCard {
    fn from(customer: &Customer) -> Self {
        CustomerCard {
            id: customer.id,
            version: customer.version().0,
            contact: customer.contact.clone(),
            address: customer.address.clone(),
        }
    }
}
