//! The phone's side of the sync ([`crate::sync`]): the replica an expert works on, offline or
//! not, and the exchange that keeps it in step with the server.

use super::kb_sync::Copied;
use super::{Error, Service};
use crate::actor::{Action, Actor};
use crate::aggregate::{Aggregate, Decide, applied};
use crate::ctx::Ctx;
use crate::event::Sequence;
use crate::id::{CommandId, CustomerId, ExpertId, TicketId, UserId};
use crate::kb::sync::StreamEvents;
use crate::skill::ProductCategory;
use crate::staff::StaffAccount;
use crate::store::Store;
use crate::sync::{
    Answer, Cursor, CustomerCard, PROTOCOL, Pending, PhoneCommand, QueuedCommand, RefusedCommand, ReplicaData,
    ReplicaStore, ReplicaWrite, Request, SyncError, Verdict, decode_answer, seen_by,
};
use crate::ticket::Ticket;
use futures::lock::Mutex;
use std::collections::BTreeSet;

/// An expert's phone: their copy of what they may see, the commands they gave on it, and the
/// exchange with the server. Open it on the phone's own store (SQLite on the device); the
/// replica's articles are searched with the service's usual calls ([`Replica::service`]).
///
/// Every decision is made here at once, offline or not, with the server's rules and typed
/// errors, and queued durably; [`Replica::tickets`] shows each ticket as the server last sent
/// it with the queued commands applied on top. Operations take turns, so a decision sees every
/// command queued before it.
pub struct Replica<S> {
    service: Service<S>,
    expert: Actor,
    turn: Mutex<()>,
}

/// What applying an answer did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReceiveReport {
    /// Tickets received (new or newer copies).
    pub tickets: u64,
    /// Customers received.
    pub customers: u64,
    /// Articles that received events.
    pub articles: u64,
    /// Tickets and customers dropped: no longer the expert's.
    pub dropped: u64,
    /// Queued commands the server applied.
    pub applied: Vec<CommandId>,
    /// Queued commands the server refused: their tickets are back to the server's state.
    pub refused: Vec<RefusedCommand>,
    /// True when the server has more: send another request.
    pub more: bool,
}

impl<S: Store + ReplicaStore> Replica<S> {
    /// The replica of `expert` (an expert actor, authenticated by the app) in `service`'s
    /// store. A store that belongs to another expert is refused ([`SyncError::OtherExpert`]).
    pub async fn open(service: Service<S>, expert: Actor) -> Result<Self, Error> {
        super::kb_sync::expert_only(expert, Action::ListExpertTickets)?;
        let replica = Replica { service, expert, turn: Mutex::new(()) };
        replica.data().await?;
        Ok(replica)
    }

    /// The service over the phone's store: search and read its articles with it.
    pub fn service(&self) -> &Service<S> {
        &self.service
    }

    /// The expert whose phone it is.
    pub fn expert(&self) -> Actor {
        self.expert
    }

    async fn data(&self) -> Result<ReplicaData, Error> {
        let data = self.service.store.replica_data().await?;
        match data.expert {
            Some(owner) if owner.as_uuid() != self.expert.id => Err(SyncError::OtherExpert.into()),
            _ => Ok(data),
        }
    }

    fn expert_id(&self) -> ExpertId {
        ExpertId::from_uuid(self.expert.id)
    }

    /// The next request to send: what the phone holds, the commands not answered yet, and
    /// at most `limit` records wanted (1 to [`crate::sync::MAX_PAGE`]). Only the answer to the
    /// latest request is applied.
    pub async fn request(&self, limit: u32) -> Result<Request, Error> {
        let _turn = self.turn.lock().await;
        let data = self.data().await?;
        let cursor = self.cursor_of(&data).await?;
        let commands = data.queue.iter().filter(|p| p.applied_at.is_none()).map(|p| p.command.clone()).collect();
        let id = self.service.ids.next_uuid();
        let expert = UserId::from_uuid(self.expert.id);
        let write = ReplicaWrite { expert: Some(expert), latest_request: Some(Some(id)), ..ReplicaWrite::default() };
        self.service.store.write_replica(write).await?;
        let limit = limit.clamp(1, crate::sync::MAX_PAGE);
        Ok(Request { protocol: PROTOCOL, id, expert, cursor, commands, limit })
    }

    /// What the phone holds, as a request states it.
    pub async fn cursor(&self) -> Result<Cursor, Error> {
        let data = self.data().await?;
        self.cursor_of(&data).await
    }

    async fn cursor_of(&self, data: &ReplicaData) -> Result<Cursor, Error> {
        let every: BTreeSet<ProductCategory> = ProductCategory::ALL.into_iter().collect();
        let articles = self.service.store.article_versions(&every).await?;
        let account = self.service.find::<StaffAccount>(self.expert.id).await?;
        Ok(Cursor {
            account: account.map_or(0, |a| a.version().0),
            tickets: data.tickets.values().map(|t| (t.id, t.version().0)).collect(),
            customers: data.customers.values().map(|c| (c.id, c.version)).collect(),
            articles: articles.into_iter().map(|(id, version)| (id, version.0)).collect(),
        })
    }

    /// Applies the server's answer, given as the bytes received (any protocol still read).
    pub async fn receive(&self, answer: &[u8]) -> Result<ReceiveReport, Error> {
        let _turn = self.turn.lock().await;
        let data = self.data().await?;
        let latest = data.latest_request.ok_or(SyncError::Stale { request: uuid::Uuid::nil() })?;
        let answer = decode_answer(answer, latest)?;
        self.apply(data, &answer).await
    }

    /// Checks the whole answer, then applies it: the account's and the articles' events to the
    /// event store, then the tickets, customers, verdicts and queue in one write. An answer
    /// applied again after an interruption changes nothing more; one that does not answer the
    /// latest request is [`SyncError::Stale`].
    async fn apply(&self, data: ReplicaData, answer: &Answer) -> Result<ReceiveReport, Error> {
        if data.latest_request != Some(answer.request) {
            return Err(SyncError::Stale { request: answer.request }.into());
        }
        if answer.expert.as_uuid() != self.expert.id {
            return Err(SyncError::OutsideView { what: "an answer for another expert" }.into());
        }
        let expert = self.expert_id();
        let page = &answer.page;
        if page.tickets.iter().any(|t| seen_by(t, expert).as_ref() != Some(t)) {
            return Err(SyncError::OutsideView { what: "a ticket" }.into());
        }
        let mut write = ReplicaWrite {
            latest_request: Some(None),
            tickets: page.tickets.clone(),
            customers: page.customers.clone(),
            drop_tickets: page.gone_tickets.clone(),
            drop_customers: page.gone_customers.clone(),
            ..ReplicaWrite::default()
        };
        let mut refused = Vec::new();
        for verdict in &answer.verdicts {
            let Some(pending) = data.queue.iter().find(|p| p.command.id == verdict.command) else { continue };
            match &verdict.verdict {
                Verdict::Applied { version } => write.applied.push((verdict.command, *version)),
                Verdict::Refused(refusal) => {
                    refused.push(RefusedCommand { command: pending.command.clone(), refusal: refusal.clone() });
                    write.unqueue.push(verdict.command);
                }
            }
        }
        write.refused = refused.clone();
        // What the phone holds once the answer is applied, to check the answer against.
        let after = data.with(write.clone());
        if page.customers.iter().any(|c| !after.tickets.values().any(|t| t.customer == c.id)) {
            return Err(SyncError::OutsideView { what: "a customer" }.into());
        }
        // An applied command leaves the queue once the ticket's copy shows it, or once the
        // ticket left the phone.
        for pending in &after.queue {
            if let Some(version) = pending.applied_at
                && after.tickets.get(&pending.command.ticket).is_none_or(|t| t.version().0 >= version)
            {
                write.unqueue.push(pending.command.id);
            }
        }
        let account = StreamEvents { id: self.expert.id, events: page.account.clone() };
        let copied: Copied = self.service.copied(self.expert, &account, &page.articles).await?;
        let report = ReceiveReport {
            tickets: page.tickets.len() as u64,
            customers: page.customers.len() as u64,
            articles: copied.articles_updated,
            dropped: (page.gone_tickets.len() + page.gone_customers.len()) as u64,
            applied: write.applied.iter().map(|(command, _)| *command).collect(),
            refused,
            more: page.more,
        };
        self.service.append_copied(copied).await?;
        self.service.store.write_replica(write).await?;
        Ok(report)
    }

    /// Decides `command` on `ticket` as the expert, now, against the phone's copy with the
    /// queued commands on top, and queues it: the ticket as it will be, or the typed error the
    /// server would give (not the expert's, the offer expired, not in a status that allows it).
    pub async fn decide(&self, ticket: TicketId, command: PhoneCommand) -> Result<Ticket, Error> {
        let _turn = self.turn.lock().await;
        let data = self.data().await?;
        let current = self.predicted(&data, ticket)?;
        let now = self.service.now()?;
        let ctx = Ctx::new(self.expert, now, self.service.ids.as_ref());
        let events = current.decide(&command.ticket_command(), &ctx)?;
        let next = applied(&current, &events)?;
        let queued = QueuedCommand { id: ctx.new_id(), ticket, command, decided_at: now };
        let write = ReplicaWrite { enqueue: vec![queued], ..ReplicaWrite::default() };
        self.service.store.write_replica(write).await?;
        Ok(next)
    }

    /// Every ticket on the phone as the expert sees it: the server's copy with the queued
    /// commands applied, in id order.
    pub async fn tickets(&self) -> Result<Vec<Ticket>, Error> {
        let data = self.data().await?;
        data.tickets.keys().map(|&id| self.predicted(&data, id)).collect()
    }

    /// One ticket as [`tickets`](Self::tickets) shows it.
    pub async fn ticket(&self, ticket: TicketId) -> Result<Ticket, Error> {
        let data = self.data().await?;
        self.predicted(&data, ticket)
    }

    /// What a visit needs of a customer of the expert's tickets.
    pub async fn customer(&self, customer: CustomerId) -> Result<CustomerCard, Error> {
        let data = self.data().await?;
        data.customers.get(&customer).cloned().ok_or(Error::not_found(crate::event::AggregateKind::Customer, customer))
    }

    /// The commands not answered by the server yet, oldest first.
    pub async fn queued(&self) -> Result<Vec<QueuedCommand>, Error> {
        let data = self.data().await?;
        Ok(data.queue.into_iter().filter(|p| p.applied_at.is_none()).map(|p| p.command).collect())
    }

    /// The commands the server refused, oldest first, until dismissed: show each reason.
    pub async fn refused(&self) -> Result<Vec<RefusedCommand>, Error> {
        Ok(self.data().await?.refused)
    }

    /// Forgets a refusal once the app showed it (an unknown id changes nothing).
    pub async fn dismiss(&self, command: CommandId) -> Result<(), Error> {
        let _turn = self.turn.lock().await;
        self.data().await?;
        let write = ReplicaWrite { dismissed: vec![command], ..ReplicaWrite::default() };
        Ok(self.service.store.write_replica(write).await?)
    }

    /// The server's copy of `ticket` with the queued commands for it applied, each decided as
    /// when the expert gave it; one that no longer applies is left out (the server will refuse
    /// it, and the refusal says why).
    fn predicted(&self, data: &ReplicaData, ticket: TicketId) -> Result<Ticket, Error> {
        let mut current =
            data.tickets.get(&ticket).cloned().ok_or(Error::not_found(crate::event::AggregateKind::Ticket, ticket))?;
        let shown = current.version();
        for pending in data.queue.iter().filter(|p| p.command.ticket == ticket) {
            if pending.applied_at.is_some_and(|version| Sequence(version) <= shown) {
                continue;
            }
            if let Some(next) = self.redo(&current, pending) {
                current = next;
            }
        }
        Ok(current)
    }

    fn redo(&self, ticket: &Ticket, pending: &Pending) -> Option<Ticket> {
        let ctx = Ctx::new(self.expert, pending.command.decided_at, self.service.ids.as_ref());
        let events = ticket.decide(&pending.command.command.ticket_command(), &ctx).ok()?;
        applied(ticket, &events).ok()
    }
}
