//! The knowledge base: troubleshooting articles experts write and improve, each edit an
//! immutable revision (who, when, why) that can be read and compared later, searched by
//! full text ([`SearchQuery`], [`KbStore`]).
//!
//! An article's events are its revisions: `Written` is revision 1 and each `Revised` the
//! next, so reading revision *n* replays the article's history up to it
//! ([`Article::revision_of`]); retiring an article ends its life in search, not its history.

mod content;
mod diff;
mod error;
mod query;
pub mod rank;
mod snippet;
mod store;
pub mod sync;
pub mod threshold;

pub use content::{ArticleBody, ArticleContent, ArticleTitle, Tag};
pub use diff::{DiffLine, DiffOp, MAX_EDITS, line_diff};
pub use error::{KbError, QueryError};
pub use query::{
    MAX_QUERY_CHARS, MAX_TERMS, MAX_WORD_CHARS, SearchQuery, Term, VOCABULARY_CHARS, best_correction, deletion_keys,
    edit_distance, words,
};
pub use snippet::snippet;
pub use store::{ArticleHit, ArticleIndex, ArticleSearch, KbStore, SearchResults, SnippetPart, known_word_keys};

use crate::actor::{Action, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::error::ReplayError;
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::id::{ArticleId, UserId};
use crate::rule::{Refused, RuleError};
use crate::text::Reason;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who made a revision, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct RevisionInfo {
    /// 1 for the article as first written.
    pub revision: u32,
    /// The account that wrote it.
    pub by: UserId,
    pub at: DateTime<Utc>,
    /// Why it was revised (`None` for revision 1).
    pub why: Option<Reason>,
}

/// One revision as it was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRevision {
    /// Who, when and why.
    pub info: RevisionInfo,
    /// What it said.
    pub content: ArticleContent,
}

/// Who retired an article, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Retirement {
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub why: Reason,
}

/// A knowledge-base article at its latest revision, with the list of every revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Article {
    pub id: ArticleId,
    /// The latest revision's content.
    pub content: ArticleContent,
    /// Every revision, oldest first; the last is the current one.
    pub history: Vec<RevisionInfo>,
    /// Set once the article is retired: it leaves search, keeps its history.
    pub retired: Option<Retirement>,
    version: Sequence,
}

/// What happened to an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ArticleEvent {
    /// Revision 1.
    Written {
        /// The new article's id.
        article: ArticleId,
        /// What it says.
        content: ArticleContent,
    },
    /// The next revision.
    Revised {
        /// Its number.
        revision: u32,
        /// What it says now.
        content: ArticleContent,
        /// Why it changed.
        why: Reason,
    },
    /// The article left search.
    Retired {
        /// Why.
        why: Reason,
    },
}

impl EventName for ArticleEvent {
    fn name(&self) -> &'static str {
        match self {
            ArticleEvent::Written { .. } => "ArticleWritten",
            ArticleEvent::Revised { .. } => "ArticleRevised",
            ArticleEvent::Retired { .. } => "ArticleRetired",
        }
    }
}

/// A command to an existing article.
#[derive(Debug, Clone, PartialEq)]
pub enum ArticleCommand {
    /// Write the next revision.
    Revise {
        /// What it will say.
        content: ArticleContent,
        /// Why.
        why: Reason,
    },
    /// Take it out of search.
    Retire {
        /// Why.
        why: Reason,
    },
}

impl Article {
    /// Decides a new article (revision 1) written by the acting administrator or expert.
    pub fn write(content: ArticleContent, ctx: &Ctx<'_>) -> Result<Vec<Envelope<ArticleEvent>>, Refused<KbError>> {
        authorize(&ctx.actor, Action::WriteArticle, Target::default())?;
        content.check()?;
        let article: ArticleId = ctx.new_id();
        Ok(ctx.stamp(article, Sequence::NONE, vec![ArticleEvent::Written { article, content }]))
    }

    /// The number of the current revision.
    pub fn revision(&self) -> u32 {
        self.history.last().map_or(0, |r| r.revision)
    }

    /// The first author.
    pub fn author(&self) -> Option<UserId> {
        self.history.first().map(|r| r.by)
    }

    /// Revision `revision` of the article whose whole history is `events`, oldest first.
    pub fn revision_of(events: &[Envelope<ArticleEvent>], revision: u32) -> Result<ArticleRevision, KbError> {
        let mut found = None;
        let mut latest = 0;
        let mut article = None;
        for event in events {
            let (number, content, why) = match &event.payload {
                ArticleEvent::Written { article: id, content } => {
                    article = Some(*id);
                    (1, content, None)
                }
                ArticleEvent::Revised { revision, content, why } => (*revision, content, Some(why.clone())),
                ArticleEvent::Retired { .. } => continue,
            };
            latest = number;
            if number == revision {
                let info = RevisionInfo { revision, by: UserId::from_uuid(event.by.id), at: event.at, why };
                found = Some(ArticleRevision { info, content: content.clone() });
            }
        }
        let article =
            article.unwrap_or_else(|| ArticleId::from_uuid(events.first().map_or(Uuid::nil(), |e| e.aggregate_id)));
        found.ok_or(KbError::UnknownRevision { article, revision, latest })
    }
}

impl Decide for Article {
    type Command = ArticleCommand;
    type Error = Refused<KbError>;

    fn action(command: &ArticleCommand) -> Action {
        match command {
            ArticleCommand::Revise { .. } => Action::ReviseArticle,
            ArticleCommand::Retire { .. } => Action::RetireArticle,
        }
    }

    fn decide(&self, command: &ArticleCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<ArticleEvent>>, Self::Error> {
        let target = Target { owner: self.author().map(Uuid::from), assigned_to_actor: false };
        authorize(&ctx.actor, Self::action(command), target)?;
        if self.retired.is_some() {
            return Err(KbError::Retired { article: self.id }.into());
        }
        let event = match command {
            ArticleCommand::Revise { content, why } => {
                content.check()?;
                if *content == self.content {
                    return Err(RuleError::NoChange { action: Action::ReviseArticle }.into());
                }
                let revision = self
                    .revision()
                    .checked_add(1)
                    .ok_or(crate::error::ValidationError::Overflow { field: "revision" })?;
                ArticleEvent::Revised { revision, content: content.clone(), why: why.clone() }
            }
            ArticleCommand::Retire { why } => ArticleEvent::Retired { why: why.clone() },
        };
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}

impl Aggregate for Article {
    const KIND: AggregateKind = AggregateKind::Article;
    type Event = ArticleEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<ArticleEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            ArticleEvent::Written { article, content } => Ok(Article {
                id: *article,
                content: content.clone(),
                history: vec![RevisionInfo {
                    revision: 1,
                    by: UserId::from_uuid(first.by.id),
                    at: first.at,
                    why: None,
                }],
                retired: None,
                version: first.sequence,
            }),
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<ArticleEvent>) -> Result<(), ReplayError> {
        let by = UserId::from_uuid(event.by.id);
        match &event.payload {
            ArticleEvent::Revised { revision, content, why }
                if self.retired.is_none() && Some(*revision) == self.revision().checked_add(1) =>
            {
                self.content = content.clone();
                self.history.push(RevisionInfo { revision: *revision, by, at: event.at, why: Some(why.clone()) });
            }
            ArticleEvent::Retired { why } if self.retired.is_none() => {
                self.retired = Some(Retirement { by, at: event.at, why: why.clone() });
            }
            other => return Err(ReplayError::DoesNotApply { event: other.name(), state: "Article" }),
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::of(ArticleIndex::of(self))
    }
}

#[cfg(test)]
mod tests;
