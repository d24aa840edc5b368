//! The expert's offline copy of the knowledge base (see [`crate::kb::sync`]): the server
//! answers a phone's request with the events it lacks, and the phone appends them.

use super::{Error, IMPORT_PAGE, Service};
use crate::actor::{Action, Actor, DenyReason, Role};
use crate::aggregate::Aggregate;
use crate::error::ValidationError;
use crate::event::AggregateKind;
use crate::event::Sequence;
use crate::id::{ExpertId, UserId};
use crate::kb::sync::{SYNC_FORMAT, StreamEvents, SyncAnswer, SyncReport, SyncRequest, replayed};
use crate::kb::{Article, ArticleEvent};
use crate::persist::{self, Change};
use crate::skill::ProductCategory;
use crate::staff::StaffAccount;
use crate::staff::StaffEvent;
use crate::store::Store;
use crate::sync::{Cursor, v1_answer};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

impl<S: Store> Service<S> {
    /// The phone's request: every article this (the phone's) store holds, with its version.
    /// Only the expert themself asks: on a phone's first sync its store knows no account yet,
    /// so the expert is not checked against one here (the answer brings it).
    pub async fn article_sync_request(&self, actor: Actor) -> Result<SyncRequest, Error> {
        expert_only(actor, Action::ReadArticles)?;
        let every: BTreeSet<ProductCategory> = ProductCategory::ALL.into_iter().collect();
        let held = self.store.article_versions(&every).await?;
        let have = held.into_iter().map(|(article, version)| (article, version.0)).collect();
        Ok(SyncRequest { format: SYNC_FORMAT, expert: UserId::from_uuid(actor.id), have })
    }

    /// The server's answer to an expert's request: their account, and the events the phone
    /// lacks of the articles about the expert's skills (retired ones included, so they leave
    /// the phone's search too), a page at a time ([`SyncAnswer::PAGE_ARTICLES`] articles or
    /// [`SyncAnswer::PAGE_BYTES`] of text). Only an expert asks, for themself.
    pub async fn article_sync_answer(&self, actor: Actor, request: &SyncRequest) -> Result<SyncAnswer, Error> {
        let actor = self.verify(actor, Action::ReadArticles).await?;
        expert_only(actor, Action::ReadArticles)?;
        if request.expert.as_uuid() != actor.id {
            return Err(actor.deny(Action::ReadArticles, DenyReason::NotYours).into());
        }
        let cursor = Cursor { articles: request.have.clone(), ..Cursor::default() };
        let limit = SyncAnswer::PAGE_ARTICLES as u32;
        let page = self.page_for(ExpertId::from_uuid(actor.id), &cursor, limit, &BTreeSet::new(), true).await?;
        Ok(v1_answer(request.expert, page))
    }

    /// The phone appends an answer: the expert's account, then every article's new events,
    /// [`IMPORT_PAGE`] articles per commit. The whole answer is checked before anything is
    /// written (each event in its stream and sequence, each revision valid, each stream
    /// replaying to a valid record); an event the phone holds already is skipped, so an
    /// answer applied twice, or after an interrupted apply, changes nothing more. Only the
    /// expert the answer is for applies it.
    pub async fn apply_article_sync(&self, actor: Actor, answer: &SyncAnswer) -> Result<SyncReport, Error> {
        expert_only(actor, Action::ReadArticles)?;
        if answer.expert.as_uuid() != actor.id || answer.account.id != actor.id {
            return Err(actor.deny(Action::ReadArticles, DenyReason::NotYours).into());
        }
        let copied = self.copied(actor, &answer.account, &answer.articles).await?;
        let report = SyncReport {
            articles_updated: copied.articles_updated,
            events_applied: copied.events_applied,
            more: answer.more,
        };
        self.append_copied(copied).await?;
        Ok(report)
    }

    /// The changes that append what the phone lacks of the expert's account and of
    /// `articles`, each stream checked whole (in its stream and sequence, each revision valid,
    /// replaying to a valid record); events the phone holds already are skipped.
    pub(super) async fn copied(
        &self,
        actor: Actor,
        account: &StreamEvents<StaffEvent>,
        articles: &[StreamEvents<ArticleEvent>],
    ) -> Result<Copied, Error> {
        let mut copied = Copied::default();
        let held: Option<StaffAccount> = self.find(actor.id).await?;
        let version = held.as_ref().map_or(Sequence::NONE, Aggregate::version);
        let fresh = account.after(version)?;
        if !fresh.is_empty() {
            let next = crate::aggregate::continued(held, fresh).map_err(|_| malformed("an account"))?;
            if next.id() != actor.id {
                return Err(malformed("an account").into());
            }
            copied.events_applied += fresh.len() as u64;
            copied.changes.push(Change::of(version, &next, fresh)?);
        }
        let mut held_articles = self.held_articles(articles).await?;
        for stream in articles {
            let held = held_articles.remove(&stream.id);
            let version = held.as_ref().map_or(Sequence::NONE, Aggregate::version);
            let fresh = stream.after(version)?;
            if fresh.is_empty() {
                continue;
            }
            let article = replayed(held, fresh)?;
            if article.id.as_uuid() != stream.id {
                return Err(malformed("an article").into());
            }
            copied.articles_updated += 1;
            copied.events_applied += fresh.len() as u64;
            copied.changes.push(Change::of(version, &article, fresh)?);
        }
        Ok(copied)
    }

    /// The articles of `streams` this store holds, read a page at a time.
    async fn held_articles(&self, streams: &[StreamEvents<ArticleEvent>]) -> Result<HashMap<Uuid, Article>, Error> {
        let ids: Vec<Uuid> = streams.iter().map(|s| s.id).collect();
        let mut held = HashMap::with_capacity(ids.len());
        for page in ids.chunks(IMPORT_PAGE) {
            for row in self.store.load_many(AggregateKind::Article, page).await? {
                held.insert(row.stream.id, persist::decode_state::<Article>(&row)?);
            }
        }
        Ok(held)
    }

    /// Appends what [`copied`](Self::copied) checked, [`IMPORT_PAGE`] records per commit.
    pub(super) async fn append_copied(&self, copied: Copied) -> Result<(), Error> {
        for page in copied.changes.chunks(IMPORT_PAGE) {
            self.store.commit(page.to_vec()).await?;
        }
        // Merging the search index pays off after a bulk copy; a few revisions are merged by
        // the engine as it goes.
        if copied.articles_updated >= SyncAnswer::PAGE_ARTICLES as u64 {
            self.store.articles_imported().await?;
        }
        Ok(())
    }
}

/// Server events checked and ready to append to a phone's store.
#[derive(Default)]
pub(super) struct Copied {
    changes: Vec<Change>,
    pub(super) articles_updated: u64,
    pub(super) events_applied: u64,
}

/// Only an expert keeps an offline copy, for themself: anyone else is refused `action`.
pub(super) fn expert_only(actor: Actor, action: Action) -> Result<(), Error> {
    if actor.role == Role::Expert { Ok(()) } else { Err(actor.deny(action, DenyReason::RoleNotAllowed).into()) }
}

/// The typed error of an answer whose events do not make the record they claim to.
fn malformed(what: &'static str) -> ValidationError {
    let reason = if what == "an account" {
        "events that do not make the expert's account"
    } else {
        "events that do not make the article they belong to"
    };
    ValidationError::Malformed { field: "sync", reason }
}

/// The article text an event carries, for the page's budget.
pub(super) fn text_of(event: &ArticleEvent) -> usize {
    match event {
        ArticleEvent::Written { content, .. } | ArticleEvent::Revised { content, .. } => {
            content.title.as_str().len() + content.body.as_str().len()
        }
        ArticleEvent::Retired { .. } => 0,
    }
}
