//! Which messages an event calls for ([`intents`]), and how one is written once the records
//! it names are loaded ([`Intent::compose`]). Both pure: the service does the loading.

use super::{Fact, Message, MessageKey, MessageKind, NotifyError, Templates};
use crate::billing::{Invoice, InvoiceEvent};
use crate::customer::{Customer, CustomerEvent};
use crate::error::StoreError;
use crate::event::{AggregateKind, Envelope, Sequence};
use crate::expert::Expert;
use crate::id::{AssignmentId, ExpertId, InvoiceId, TicketId};
use crate::persist::{StoredEvent, decode_event};
use crate::plan::SupportPlan;
use crate::survey::SurveyToken;
use crate::text::{Email, MessageChannel};
use crate::ticket::{Deadline, Outcome, Ticket, TicketEvent, TicketNumber};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// A message an event calls for, before its records are loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// Its idempotency key.
    pub key: MessageKey,
    /// Which message.
    pub kind: MessageKind,
    /// When the event happened.
    pub at: DateTime<Utc>,
    /// The records that give its facts and recipient.
    pub about: About,
}

/// The records an intent's message is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum About {
    /// A ticket and one of its offers (the expert is the offer's).
    Offer { ticket: TicketId, assignment: AssignmentId, reason: Option<String> },
    /// A ticket and the expert working it at the time.
    Work { ticket: TicketId },
    /// A ticket cancelled, and the offer pending when it was (if one was).
    Cancelled { ticket: TicketId },
    /// A ticket nearing a deadline, due then.
    Deadline { ticket: TicketId, deadline: Deadline, due: DateTime<Utc> },
    /// An invoice of the customer.
    Invoice { invoice: InvoiceId, reason: Option<String> },
    /// A ticket completed, as event `completion` of its history: its survey.
    Survey { ticket: TicketId, completion: Sequence },
}

impl About {
    /// The ticket to load, if any.
    pub fn ticket(&self) -> Option<TicketId> {
        match self {
            About::Offer { ticket, .. }
            | About::Work { ticket }
            | About::Cancelled { ticket }
            | About::Deadline { ticket, .. }
            | About::Survey { ticket, .. } => Some(*ticket),
            About::Invoice { .. } => None,
        }
    }

    /// The invoice to load, if any.
    pub fn invoice(&self) -> Option<InvoiceId> {
        match self {
            About::Invoice { invoice, .. } => Some(*invoice),
            About::Offer { .. }
            | About::Work { .. }
            | About::Cancelled { .. }
            | About::Deadline { .. }
            | About::Survey { .. } => None,
        }
    }
}

/// Who receives a message, as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// The customer, by their stated preference.
    Customer,
    /// The customer, by email whatever they prefer (a link to open).
    CustomerByEmail,
    /// The expert of the offer or the work.
    Expert,
    /// The escalation contact of the ticket's plan.
    Escalation,
}

impl MessageKind {
    /// Who receives messages of this kind.
    pub fn recipient(self) -> Recipient {
        match self {
            MessageKind::OfferMade | MessageKind::OfferWithdrawn => Recipient::Expert,
            MessageKind::DeadlineNearing => Recipient::Escalation,
            MessageKind::SurveyInvitation => Recipient::CustomerByEmail,
            _ => Recipient::Customer,
        }
    }
}

/// The names of the events that may call for a message (matched below).
const CALLING: [&str; 9] = [
    "TicketAssigned",
    "AssignmentAccepted",
    "AssignmentExpired",
    "WorkStarted",
    "WorkCompleted",
    "TicketCancelled",
    "TicketDeadlineNearing",
    "PaymentDeclined",
    "CustomerSuspended",
];

/// The messages `event` calls for: none for most events. An event of an unknown kind or
/// name calls for none; one that does not decode is [`StoreError::Corrupt`].
pub fn intents(event: &StoredEvent) -> Result<Vec<Intent>, StoreError> {
    // Most events call for nothing: their names say so without decoding them.
    if !CALLING.contains(&event.name.as_str()) {
        return Ok(Vec::new());
    }
    let stream = event.stream;
    let intent = |kind, about| Intent { key: MessageKey::of(stream, event.sequence, kind), kind, at: event.at, about };
    let ticket = TicketId::from(stream.id);
    Ok(match stream.kind {
        AggregateKind::Ticket => {
            let Envelope { payload, .. } = decode_event::<Ticket>(event)?;
            let offer = |assignment, reason: Option<&str>| About::Offer {
                ticket,
                assignment,
                reason: reason.map(str::to_owned),
            };
            match payload {
                TicketEvent::Assigned { assignment, .. } => {
                    vec![intent(MessageKind::OfferMade, offer(assignment, None))]
                }
                TicketEvent::Accepted { assignment } => {
                    vec![intent(MessageKind::ExpertAssigned, offer(assignment, None))]
                }
                TicketEvent::Expired { assignment } => {
                    vec![intent(MessageKind::OfferWithdrawn, offer(assignment, Some("it was not answered in time")))]
                }
                TicketEvent::WorkStarted => vec![intent(MessageKind::WorkStarted, About::Work { ticket })],
                TicketEvent::Completed { .. } => {
                    let about = About::Survey { ticket, completion: event.sequence };
                    vec![intent(MessageKind::SurveyInvitation, about)]
                }
                TicketEvent::Cancelled { .. } => vec![intent(MessageKind::OfferWithdrawn, About::Cancelled { ticket })],
                TicketEvent::DeadlineNearing { deadline, due } => {
                    vec![intent(MessageKind::DeadlineNearing, About::Deadline { ticket, deadline, due })]
                }
                _ => Vec::new(),
            }
        }
        AggregateKind::Invoice => match decode_event::<Invoice>(event)?.payload {
            InvoiceEvent::Declined { reason, .. } => vec![intent(
                MessageKind::PaymentFailed,
                About::Invoice { invoice: InvoiceId::from(stream.id), reason: Some(reason) },
            )],
            _ => Vec::new(),
        },
        AggregateKind::Customer => match decode_event::<Customer>(event)?.payload {
            CustomerEvent::Suspended { invoice } => {
                vec![intent(MessageKind::AccountSuspended, About::Invoice { invoice, reason: None })]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    })
}

/// The records an intent names, loaded by the service.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub struct Records<'a> {
    pub customer: &'a Customer,
    pub ticket: Option<&'a Ticket>,
    /// The expert and their staff account's email (offers go there without a phone).
    pub expert: Option<(&'a Expert, &'a Email)>,
    pub invoice: Option<&'a Invoice>,
    pub plan: Option<&'a SupportPlan>,
    /// A survey invitation's token and when it stops working.
    pub survey: Option<(&'a SurveyToken, DateTime<Utc>)>,
}

impl Intent {
    /// The expert the message is about, found in the loaded ticket: the offer's, or the
    /// one whose accepted offer the work followed. `None` when the event names none (a
    /// ticket cancelled with no offer pending calls for no message).
    pub fn expert(&self, ticket: &Ticket) -> Option<ExpertId> {
        match &self.about {
            About::Cancelled { .. } => ticket
                .assignments
                .iter()
                .rev()
                .find(|a| matches!(a.outcome, Outcome::Withdrawn { at } if at == self.at))
                .map(|a| a.expert),
            About::Offer { assignment, .. } => {
                ticket.assignments.iter().find(|a| a.id == *assignment).map(|a| a.expert)
            }
            About::Work { .. } | About::Survey { .. } => ticket
                .assignments
                .iter()
                .rev()
                .find(|a| a.offered_at <= self.at && matches!(a.outcome, Outcome::Accepted { .. }))
                .map(|a| a.expert),
            About::Invoice { .. } | About::Deadline { .. } => None,
        }
    }

    /// The message, written from the template for its kind and the recipient's channel
    /// (`templates` gives it), addressed and keyed. `None` when the records show nobody
    /// to tell (no expert on a cancelled ticket); an error when the records needed are not
    /// loaded or a template names a fact not there.
    pub fn compose(&self, records: Records<'_>, templates: &Templates) -> Result<Option<Message>, NotifyError> {
        let Records { customer, ticket, expert, invoice, plan, survey } = records;
        let zone: Tz = ticket.map_or(customer.address.time_zone, |t| t.zone);
        let local = |at: DateTime<Utc>| at.with_timezone(&zone).format("%a %-d %b %H:%M %Z").to_string();
        let mut facts = BTreeMap::from([(Fact::CustomerName, customer.contact.name.as_str().to_owned())]);
        if let Some(ticket) = ticket {
            facts.insert(Fact::TicketNumber, TicketNumber::of(ticket.id).to_string());
            facts.insert(Fact::Category, ticket.category.as_str().replace('_', " "));
            facts.insert(Fact::City, customer.address.city.as_str().to_owned());
            let offer = match &self.about {
                About::Offer { assignment, .. } => ticket.assignments.iter().find(|a| a.id == *assignment),
                _ => None,
            };
            if let Some(offer) = offer {
                facts.insert(Fact::AnswerBy, local(offer.respond_by));
            }
        }
        if let Some((expert, _)) = expert {
            facts.insert(Fact::ExpertName, expert.profile.name.as_str().to_owned());
        }
        if let Some(invoice) = invoice {
            facts.insert(Fact::Amount, invoice.total.to_string());
            facts.insert(Fact::Period, invoice.period.to_string());
        }
        if let Some(plan) = plan {
            facts.insert(Fact::PlanName, plan.terms.name.as_str().to_owned());
        }
        if let Some((token, expires_at)) = survey {
            facts.insert(Fact::SurveyToken, token.reveal());
            facts.insert(Fact::SurveyExpires, expires_at.with_timezone(&zone).format("%a %-d %b %Y").to_string());
        }
        match &self.about {
            About::Offer { reason: Some(reason), .. } | About::Invoice { reason: Some(reason), .. } => {
                facts.insert(Fact::Reason, reason.clone());
            }
            About::Cancelled { .. } => {
                facts.insert(Fact::Reason, "the ticket was cancelled".to_owned());
            }
            About::Deadline { deadline, due, .. } => {
                facts.insert(Fact::Deadline, deadline.as_str().to_owned());
                facts.insert(Fact::DueAt, local(*due));
            }
            _ => {}
        }
        let (channel, to, expert_id) = match self.kind.recipient() {
            Recipient::Customer => {
                let to = match customer.contact.prefers {
                    MessageChannel::Email => customer.contact.email.as_str(),
                    MessageChannel::Sms => customer.contact.phone.as_str(),
                };
                (customer.contact.prefers, to.to_owned(), expert.map(|(e, _)| e.id))
            }
            Recipient::CustomerByEmail => {
                (MessageChannel::Email, customer.contact.email.as_str().to_owned(), expert.map(|(e, _)| e.id))
            }
            Recipient::Escalation => {
                let Some(to) = plan.and_then(|p| p.terms.escalation.as_ref()) else { return Ok(None) };
                (MessageChannel::Email, to.as_str().to_owned(), None)
            }
            Recipient::Expert => {
                let Some((expert, email)) = expert else { return Ok(None) };
                match &expert.profile.phone {
                    Some(phone) => (MessageChannel::Sms, phone.as_str().to_owned(), Some(expert.id)),
                    None => (MessageChannel::Email, email.as_str().to_owned(), Some(expert.id)),
                }
            }
        };
        let (subject, body) = templates.get(self.kind, channel)?.render(&facts)?;
        Ok(Some(Message {
            key: self.key.clone(),
            kind: self.kind,
            channel,
            to,
            subject,
            body,
            customer: customer.id,
            ticket: ticket.map(|t| t.id),
            expert: expert_id,
            created_at: self.at,
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::event::EventName;
    use crate::id::InvoiceId;
    use uuid::Uuid;

    #[test]
    fn every_event_that_calls_for_a_message_is_decoded() {
        let (assignment, at) = (AssignmentId::from(Uuid::nil()), DateTime::<Utc>::UNIX_EPOCH);
        let names = [
            TicketEvent::Assigned { assignment, expert: ExpertId::from(Uuid::nil()), respond_by: at, rationale: None }
                .name(),
            TicketEvent::Accepted { assignment }.name(),
            TicketEvent::Expired { assignment }.name(),
            TicketEvent::WorkStarted.name(),
            TicketEvent::Completed { notes: crate::text::WorkNotes::new("fixed").unwrap() }.name(),
            TicketEvent::Cancelled { reason: crate::text::Reason::new("fixed").unwrap() }.name(),
            TicketEvent::DeadlineNearing { deadline: Deadline::Response, due: at }.name(),
            InvoiceEvent::Declined { number: 1, reason: "declined".into(), retry_at: None }.name(),
            CustomerEvent::Suspended { invoice: InvoiceId::from(Uuid::nil()) }.name(),
        ];
        assert_eq!(names, CALLING);
    }
}
