//! The server's side of the phone's sync ([`crate::sync`]): what an expert may see, and the
//! verdict on each command a phone queued.

use super::kb_sync::{expert_only, text_of};
use super::{Error, Service, change_of};
use crate::actor::{Action, Actor, DenyReason};
use crate::aggregate::Aggregate;
use crate::customer::Customer;
use crate::error::ValidationError;
use crate::event::{AggregateKind, Sequence};
use crate::expert::Expert;
use crate::id::{ArticleId, CustomerId, ExpertId, TicketId, UserId};
use crate::kb::Article;
use crate::kb::sync::{StreamEvents, SyncAnswer, SyncMessage};
use crate::persist::{self, Change, Page as StorePage, decode_state};
use crate::rule::RuleError;
use crate::skill::ProductCategory;
use crate::staff::StaffAccount;
use crate::store::Store;
use crate::sync::{
    Answer, CommandReceipt, CommandVerdict, Cursor, CustomerCard, MAX_COMMANDS, MAX_PAGE, PROTOCOL, Page, PhoneCommand,
    QueuedCommand, ReceiptEvent, Refusal, Verdict, decode_request, seen_by, v1_answer,
};
use crate::ticket::{Outcome, Ticket, TicketError, TicketFilter};
use std::collections::{BTreeMap, BTreeSet};

/// Tickets read per query while gathering an expert's view.
const TICKET_PAGE: u32 = 500;
/// Times a command is decided again after another writer changed its ticket first.
const RETRIES: usize = 3;

impl<S: Store> Service<S> {
    /// The page of `actor`'s view that a phone holding `cursor` lacks, at most `limit`
    /// records (1 to [`MAX_PAGE`]), and what left the view since. Only an expert asks, for
    /// themself; what they may see is decided here, whatever the cursor names (see
    /// [`crate::sync`]'s trust model).
    pub async fn changes_for(&self, actor: Actor, cursor: &Cursor, limit: u32) -> Result<Page, Error> {
        let expert = self.sync_expert(actor).await?;
        self.page_for(expert, cursor, limit, &BTreeSet::new(), false).await
    }

    /// Decides each command a phone queued against the server's state, as the expert, in
    /// order, and answers each: applied (with the ticket's version that shows it) or refused
    /// with its typed reason. A command is applied once per id, however often it is sent: its
    /// [`CommandReceipt`] is written in the commit that applies it, and a command answered
    /// before is answered again from its receipt. A failure that may pass (storage, busy)
    /// fails the whole call; commands decided before it keep their receipts.
    pub async fn submit_commands(
        &self,
        actor: Actor,
        commands: &[QueuedCommand],
    ) -> Result<Vec<CommandVerdict>, Error> {
        let expert = self.sync_expert(actor).await?;
        if commands.len() > MAX_COMMANDS {
            return Err(ValidationError::count("commands", commands.len(), 0, MAX_COMMANDS).into());
        }
        let mut verdicts = Vec::with_capacity(commands.len());
        for queued in commands {
            let verdict = self.command_verdict(actor, expert, queued).await?;
            verdicts.push(CommandVerdict { command: queued.id, verdict });
        }
        Ok(verdicts)
    }

    /// One whole exchange, bytes in and bytes out, as a host's sync endpoint calls it: reads
    /// the phone's request (any protocol still read), decides its commands, and answers with
    /// their verdicts and the next page, in the protocol the phone wrote. `actor` is the
    /// expert the host authenticated; a request naming anyone else is refused.
    pub async fn serve_sync(&self, actor: Actor, request: &[u8]) -> Result<Vec<u8>, Error> {
        let request = decode_request(request)?;
        let expert = self.sync_expert(actor).await?;
        if request.expert.as_uuid() != actor.id {
            return Err(actor.deny(Action::ListExpertTickets, DenyReason::NotYours).into());
        }
        if request.is_v1() {
            let page = self.page_for(expert, &request.cursor, request.limit, &BTreeSet::new(), true).await?;
            return Ok(v1_answer(request.expert, page).to_bytes());
        }
        let verdicts = self.submit_commands(actor, &request.commands).await?;
        let touched = request.commands.iter().map(|c| c.ticket).collect();
        let page = self.page_for(expert, &request.cursor, request.limit, &touched, false).await?;
        let answer = Answer { protocol: PROTOCOL, request: request.id, expert: request.expert, verdicts, page };
        Ok(answer.to_bytes())
    }

    /// The expert `actor` is, checked: an active expert account.
    async fn sync_expert(&self, actor: Actor) -> Result<ExpertId, Error> {
        expert_only(actor, Action::ListExpertTickets)?;
        let actor = self.verify(actor, Action::ListExpertTickets).await?;
        Ok(ExpertId::from_uuid(actor.id))
    }

    async fn command_verdict(&self, actor: Actor, expert: ExpertId, queued: &QueuedCommand) -> Result<Verdict, Error> {
        let receipt_id = CommandReceipt::id_for(UserId::from(expert), queued.id, queued.ticket);
        for _ in 0..RETRIES {
            if let Some(receipt) = self.find::<CommandReceipt>(receipt_id).await? {
                return Ok(receipt.verdict);
            }
            let (verdict, mut changes) = match self.decide_phone_command(actor, queued).await {
                Ok((next, change)) => (Verdict::Applied { version: next.version().0 }, vec![change]),
                Err(error) => match refusal_of(&error) {
                    Some(refusal) => (Verdict::Refused(self.refusal_for(refusal, expert, queued).await?), Vec::new()),
                    None => return Err(error),
                },
            };
            changes.push(self.receipt_change(actor, expert, receipt_id, queued, &verdict).await?);
            match self.store.commit(changes).await {
                Ok(()) => return Ok(verdict),
                // The ticket changed under us, or the same command is being answered at once:
                // read its receipt, or decide again on the new state.
                Err(crate::error::StoreError::Conflict { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        match self.find::<CommandReceipt>(receipt_id).await? {
            Some(receipt) => Ok(receipt.verdict),
            None => Err(Error::Store(crate::error::StoreError::Busy)),
        }
    }

    /// The ticket a phone command leads to and its change, decided as on any other path
    /// (articles to link must exist, as [`Service::record_solution`] checks).
    async fn decide_phone_command(&self, actor: Actor, queued: &QueuedCommand) -> Result<(Ticket, Change), Error> {
        if let PhoneCommand::LinkArticles { articles } = &queued.command
            && articles.len() <= Ticket::MAX_SOLUTIONS
        {
            for &article in articles {
                self.get::<Article>(article).await?;
            }
        }
        let (current, events) = self.decided::<Ticket>(actor, queued.ticket, &queued.command.ticket_command()).await?;
        change_of(Some(&current), &events)
    }

    /// A refusal the expert can act on: an answer to an offer that expired before it reached
    /// the server is [`Refusal::OfferExpired`], not only "not assigned to you".
    async fn refusal_for(&self, refusal: Refusal, expert: ExpertId, queued: &QueuedCommand) -> Result<Refusal, Error> {
        let answers_offer = matches!(queued.command, PhoneCommand::Accept | PhoneCommand::Reject { .. });
        if !answers_offer || refusal != (Refusal::Forbidden { reason: DenyReason::NotAssignedToYou }) {
            return Ok(refusal);
        }
        let ticket: Option<Ticket> = self.find(queued.ticket).await?;
        let last_offer = ticket.and_then(|t| t.assignments.into_iter().rev().find(|a| a.expert == expert));
        let expired = last_offer.is_some_and(|offer| matches!(offer.outcome, Outcome::Expired { .. }));
        Ok(if expired { Refusal::OfferExpired } else { refusal })
    }

    async fn receipt_change(
        &self,
        actor: Actor,
        expert: ExpertId,
        receipt: uuid::Uuid,
        queued: &QueuedCommand,
        verdict: &Verdict,
    ) -> Result<Change, Error> {
        let ctx = crate::ctx::Ctx::new(actor, self.now()?, self.ids.as_ref());
        let recorded = ReceiptEvent::Recorded {
            receipt,
            command: queued.id,
            expert: UserId::from(expert),
            ticket: queued.ticket,
            what: queued.command.clone(),
            verdict: verdict.clone(),
        };
        let events = ctx.stamp(receipt, Sequence::NONE, vec![recorded]);
        Ok(change_of::<CommandReceipt>(None, &events)?.1)
    }

    /// What `expert`'s phone holding `cursor` lacks of their view, at most `limit` records:
    /// the account's new events first, then the tickets of `touched` (those the request's
    /// commands were for), the other tickets, their customers, and the articles of the
    /// expert's skills, until [`SyncAnswer::PAGE_BYTES`] of article text (a page stays far
    /// below what a phone reads). `articles_only` serves a protocol 1 phone.
    pub(super) async fn page_for(
        &self,
        expert: ExpertId,
        cursor: &Cursor,
        limit: u32,
        touched: &BTreeSet<TicketId>,
        articles_only: bool,
    ) -> Result<Page, Error> {
        let limit = limit.clamp(1, MAX_PAGE) as usize;
        let mut page = Page::default();
        let account = persist::history::<StaffAccount, S>(&self.store, expert.as_uuid()).await?;
        page.account = account.into_iter().filter(|e| e.sequence.0 > cursor.account).collect();

        if !articles_only {
            let tickets = self.expert_view(expert).await?;
            let customers: BTreeSet<CustomerId> = tickets.values().map(|t| t.customer).collect();
            page.gone_tickets = cursor.tickets.keys().filter(|id| !tickets.contains_key(id)).copied().collect();
            page.gone_customers = cursor.customers.keys().filter(|id| !customers.contains(id)).copied().collect();
            let behind = |t: &&Ticket| cursor.tickets.get(&t.id).is_none_or(|&held| held < t.version().0);
            let (first, rest): (Vec<&Ticket>, Vec<&Ticket>) =
                tickets.values().filter(behind).partition(|t| touched.contains(&t.id));
            for ticket in first.into_iter().chain(rest) {
                if page.records() >= limit {
                    page.more = true;
                    return Ok(page);
                }
                page.tickets.push(ticket.clone());
            }
            let ids: Vec<uuid::Uuid> = customers.iter().map(|c| c.as_uuid()).collect();
            for chunk in ids.chunks(TICKET_PAGE as usize) {
                for row in self.store.load_many(AggregateKind::Customer, chunk).await? {
                    let Ok(customer) = decode_state::<Customer>(&row) else { continue };
                    if cursor.customers.get(&customer.id).is_some_and(|&held| held >= customer.version().0) {
                        continue;
                    }
                    if page.records() >= limit {
                        page.more = true;
                        return Ok(page);
                    }
                    page.customers.push(CustomerCard::from(&customer));
                }
            }
        }

        let skills: BTreeSet<ProductCategory> = match self.find::<Expert>(expert).await? {
            Some(profile) => profile.profile.skills.keys().copied().collect(),
            None => BTreeSet::new(),
        };
        let held = |article: &ArticleId| Sequence(cursor.articles.get(article).copied().unwrap_or(0));
        let mut behind = self.store.article_versions(&skills).await?;
        behind.retain(|(article, version)| *version > held(article));
        behind.sort_unstable();
        let mut text = 0usize;
        for (article, _) in behind {
            if page.records() >= limit || text >= SyncAnswer::PAGE_BYTES {
                page.more = true;
                break;
            }
            let mut events = persist::history::<Article, S>(&self.store, article).await?;
            events.retain(|e| e.sequence > held(&article));
            text += events.iter().map(|e| text_of(&e.payload)).sum::<usize>();
            page.articles.push(StreamEvents { id: article.as_uuid(), events });
        }
        Ok(page)
    }

    /// The expert's tickets now, as they may see them, by id.
    async fn expert_view(&self, expert: ExpertId) -> Result<BTreeMap<TicketId, Ticket>, Error> {
        let filter = TicketFilter::of_expert(expert);
        let mut view = BTreeMap::new();
        let mut page = StorePage::first(TICKET_PAGE);
        loop {
            let rows = self.store.tickets(filter, page).await?;
            for row in &rows {
                if let Some(seen) = decode_state::<Ticket>(row).ok().and_then(|t| seen_by(&t, expert)) {
                    view.insert(seen.id, seen);
                }
            }
            match persist::next_after(&rows, page) {
                Some(after) => page = StorePage::after(after, TICKET_PAGE),
                None => return Ok(view),
            }
        }
    }
}

/// The refusal `error` is, when it is one: `None` for a failure that may pass (storage, busy),
/// after which the command stays queued on the phone and is sent again.
pub(crate) fn refusal_of(error: &Error) -> Option<Refusal> {
    Some(match error {
        Error::NotFound { .. } => Refusal::NotFound,
        Error::Forbidden(forbidden) => Refusal::Forbidden { reason: forbidden.reason },
        Error::Ticket(TicketError::InvalidTransition { status, .. }) => Refusal::InvalidTransition { status: *status },
        Error::Ticket(TicketError::OfferExpired { .. }) => Refusal::OfferExpired,
        Error::Ticket(TicketError::ExpertExcluded { .. }) => Refusal::ExpertExcluded,
        Error::Ticket(TicketError::Unchanged { .. }) | Error::Rule(RuleError::NoChange { .. }) => Refusal::NoChange,
        Error::Invalid(invalid) => {
            Refusal::InvalidInput { field: invalid.field().to_owned(), reason: invalid.to_string() }
        }
        Error::Kb(_) => Refusal::InvalidInput { field: "articles".to_owned(), reason: error.to_string() },
        _ => return None,
    })
}
