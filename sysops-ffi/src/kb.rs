//! The knowledge base: articles and their revisions, compared and searched.

use crate::client::Sysops;
use crate::enums::{DiffOp, ProductCategory};
use crate::error::SysopsError;
use crate::guard::guard;
use crate::types::Timestamp;
use crate::value::Actor;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use sysops_core::kb::sync::{SyncAnswer, SyncMessage, SyncRequest};
use sysops_core::kb::{self as core, ArticleBody, ArticleSearch, ArticleTitle, SearchQuery, Tag};
use sysops_core::{ArticleId, Reason};
use uuid::Uuid;

/// What an article says: title (1–300 characters), Markdown body (1–500,000 characters), one
/// or more product categories, and up to 20 tags (1–40 letters, digits, `-` or `_` each,
/// stored lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, new = "from_fields", module = "sysops")
)]
#[allow(missing_docs)]
pub struct ArticleContent {
    pub title: String,
    pub body: String,
    pub categories: Vec<ProductCategory>,
    pub tags: Vec<String>,
}

impl From<core::ArticleContent> for ArticleContent {
    fn from(c: core::ArticleContent) -> Self {
        ArticleContent {
            title: c.title.into(),
            body: c.body.into(),
            categories: c.categories.into_iter().collect(),
            tags: c.tags.into_iter().map(String::from).collect(),
        }
    }
}

impl TryFrom<ArticleContent> for core::ArticleContent {
    type Error = SysopsError;
    fn try_from(c: ArticleContent) -> Result<Self, SysopsError> {
        let tags = c.tags.into_iter().map(Tag::new).collect::<Result<_, _>>()?;
        Ok(core::ArticleContent::new(
            ArticleTitle::new(c.title)?,
            ArticleBody::new(c.body)?,
            c.categories.into_iter().collect(),
            tags,
        )?)
    }
}

/// Who wrote a revision, when and why (`why` is empty for revision 1).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct RevisionInfo {
    pub revision: u32,
    pub by: Uuid,
    pub at: Timestamp,
    pub why: Option<String>,
}

impl From<core::RevisionInfo> for RevisionInfo {
    fn from(r: core::RevisionInfo) -> Self {
        RevisionInfo { revision: r.revision, by: r.by.as_uuid(), at: r.at, why: r.why.map(String::from) }
    }
}

/// An article at its latest revision.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Article {
    pub id: Uuid,
    /// The latest revision's content.
    pub content: ArticleContent,
    /// Every revision, oldest first; the last is the current one.
    pub revisions: Vec<RevisionInfo>,
    /// When it was retired (it left search; its revisions stay readable).
    pub retired_at: Option<Timestamp>,
}

impl From<core::Article> for Article {
    fn from(a: core::Article) -> Self {
        Article {
            id: a.id.as_uuid(),
            content: a.content.into(),
            revisions: a.history.into_iter().map(Into::into).collect(),
            retired_at: a.retired.map(|r| r.at),
        }
    }
}

/// One revision as it was written.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct ArticleRevision {
    pub info: RevisionInfo,
    pub content: ArticleContent,
}

/// A line of a comparison of two revisions' bodies.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct DiffLine {
    pub op: DiffOp,
    pub text: String,
}

/// A piece of a snippet; `highlighted` where the query matched.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct SnippetPart {
    pub text: String,
    pub highlighted: bool,
}

/// One article found: its current revision, title and a passage around the matches.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct ArticleHit {
    pub article: Uuid,
    pub revision: u32,
    pub title: String,
    pub snippet: Vec<SnippetPart>,
    /// How many tickets record the article as (part of) their solution.
    pub solved_tickets: u64,
}

/// What applying a sync answer on the phone did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct ArticleSyncReport {
    /// Articles that received new revisions (or were retired).
    pub articles_updated: u64,
    /// Events appended, the expert's account's included.
    pub events_applied: u64,
    /// The server has more: send a new request.
    pub more: bool,
}

/// A page of hits, best first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct SearchResults {
    pub hits: Vec<ArticleHit>,
    /// The query run instead when nothing matched what was typed ("did you mean …").
    pub corrected: Option<String>,
    /// Pass as `offset` for the next page; absent on the last one.
    pub next_offset: Option<u32>,
}

impl From<core::SearchResults> for SearchResults {
    fn from(r: core::SearchResults) -> Self {
        let hits = r.hits.into_iter().map(|h| ArticleHit {
            article: h.article.as_uuid(),
            revision: h.revision,
            title: h.title,
            snippet: h.snippet.into_iter().map(|p| SnippetPart { text: p.text, highlighted: p.highlighted }).collect(),
            solved_tickets: h.solved_tickets,
        });
        SearchResults {
            hits: hits.collect(),
            corrected: r.corrected.map(|q| q.to_string()),
            next_offset: r.next_offset,
        }
    }
}

/// Told how far a bulk import has come, after each committed page of 100 articles; the host
/// implements it (a Kotlin interface, a Swift protocol). A listener that fails is ignored: the
/// import goes on.
#[uniffi::export(rust, foreign)]
pub trait ImportListener: Send + Sync {
    /// `imported` of `total` articles are committed.
    fn progress(&self, imported: u64, total: u64);
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Imports many articles (administrators and experts): every content is checked first
    /// (a bad one is `InvalidInput` whose reason names its position, and nothing is written),
    /// then they are committed 100 at a time, `listener` told after each page. Returns the new
    /// articles' ids in the order given.
    pub async fn import_articles(
        &self,
        actor: Actor,
        contents: Vec<ArticleContent>,
        listener: Option<Arc<dyn ImportListener>>,
    ) -> Result<Vec<Uuid>, SysopsError> {
        guard(async move {
            let contents = contents
                .into_iter()
                .enumerate()
                .map(|(n, content)| {
                    content.try_into().map_err(|e| match e {
                        SysopsError::InvalidInput { field, reason } => {
                            SysopsError::InvalidInput { field, reason: format!("article {n}: {reason}") }
                        }
                        other => other,
                    })
                })
                .collect::<Result<Vec<core::ArticleContent>, SysopsError>>()?;
            let tell = |p: sysops_core::ImportProgress| {
                if let Some(listener) = &listener {
                    let call = AssertUnwindSafe(|| listener.progress(p.imported, p.total));
                    let _ignored = std::panic::catch_unwind(call);
                }
            };
            let ids = self.api()?.import_articles(actor.into(), contents, tell).await?;
            Ok(ids.into_iter().map(|id| id.as_uuid()).collect())
        })
        .await
    }

    /// Writes a new article (revision 1); administrators and experts.
    pub async fn write_article(&self, actor: Actor, content: ArticleContent) -> Result<Article, SysopsError> {
        guard(async move { Ok(self.api()?.write_article(actor.into(), content.try_into()?).await?.into()) }).await
    }

    /// Writes the next revision of an article, saying why (1–2,000 characters).
    pub async fn revise_article(
        &self,
        actor: Actor,
        article: Uuid,
        content: ArticleContent,
        why: String,
    ) -> Result<Article, SysopsError> {
        guard(async move {
            let (content, why) = (content.try_into()?, Reason::new(why)?);
            Ok(self.api()?.revise_article(actor.into(), ArticleId::from_uuid(article), content, why).await?.into())
        })
        .await
    }

    /// Takes an article out of search, saying why; administrators, or the expert who wrote it.
    pub async fn retire_article(&self, actor: Actor, article: Uuid, why: String) -> Result<Article, SysopsError> {
        guard(async move {
            let why = Reason::new(why)?;
            Ok(self.api()?.retire_article(actor.into(), ArticleId::from_uuid(article), why).await?.into())
        })
        .await
    }

    /// An article at its latest revision, with the list of its revisions.
    pub async fn article(&self, actor: Actor, article: Uuid) -> Result<Article, SysopsError> {
        guard(async move { Ok(self.api()?.article(actor.into(), ArticleId::from_uuid(article)).await?.into()) }).await
    }

    /// Revision `revision` of an article (1 is the first) as it was written.
    pub async fn article_revision(
        &self,
        actor: Actor,
        article: Uuid,
        revision: u32,
    ) -> Result<ArticleRevision, SysopsError> {
        guard(async move {
            let found = self.api()?.article_revision(actor.into(), ArticleId::from_uuid(article), revision).await?;
            Ok(ArticleRevision { info: found.info.into(), content: found.content.into() })
        })
        .await
    }

    /// The line diff of an article's body from revision `from` to revision `to`.
    pub async fn compare_revisions(
        &self,
        actor: Actor,
        article: Uuid,
        from: u32,
        to: u32,
    ) -> Result<Vec<DiffLine>, SysopsError> {
        guard(async move {
            let diff = self.api()?.compare_revisions(actor.into(), ArticleId::from_uuid(article), from, to).await?;
            Ok(diff.into_iter().map(|l| DiffLine { op: l.op, text: l.text }).collect())
        })
        .await
    }

    /// The phone's side of the offline copy, step 1: the bytes to send to the server (which
    /// articles this store holds, at which version). Only an expert, for themself.
    pub async fn article_sync_request(&self, actor: Actor) -> Result<Vec<u8>, SysopsError> {
        guard(async move { Ok(self.api()?.article_sync_request(actor.into()).await?.to_bytes()) }).await
    }

    /// The server's side: the answer to a phone's request bytes, to send back (the expert's
    /// account and the events the phone lacks of the articles about the expert's skills, a
    /// page at a time). Only the expert the request is from; malformed bytes (or more than
    /// 64 MiB) are `InvalidInput` with field `sync`.
    pub async fn article_sync_answer(&self, actor: Actor, request: Vec<u8>) -> Result<Vec<u8>, SysopsError> {
        guard(async move {
            let request = SyncRequest::from_bytes(&request)?;
            Ok(self.api()?.article_sync_answer(actor.into(), &request).await?.to_bytes())
        })
        .await
    }

    /// The phone's side, step 2: applies the server's answer bytes. Everything is checked
    /// before anything is written; events the phone holds are skipped, so a repeated or
    /// interrupted sync is safe. While `more` is true, send a new request.
    pub async fn apply_article_sync(&self, actor: Actor, answer: Vec<u8>) -> Result<ArticleSyncReport, SysopsError> {
        guard(async move {
            let answer = SyncAnswer::from_bytes(&answer)?;
            let report = self.api()?.apply_article_sync(actor.into(), &answer).await?;
            Ok(ArticleSyncReport {
                articles_updated: report.articles_updated,
                events_applied: report.events_applied,
                more: report.more,
            })
        })
        .await
    }

    /// Records which articles solved a completed (or closed) ticket, replacing what was
    /// recorded before (an empty list withdraws it): at most 10 articles, each existing
    /// (`NotFound` otherwise; retired ones too). The same articles again are the rule
    /// `NoChange`; an unfinished ticket is `InvalidTransition`. The expert who did the work,
    /// helpdesk and administrators may record.
    pub async fn record_solution(
        &self,
        actor: Actor,
        ticket: Uuid,
        articles: Vec<Uuid>,
    ) -> Result<crate::Ticket, SysopsError> {
        guard(async move {
            let articles = articles.into_iter().map(ArticleId::from_uuid).collect();
            let ticket = sysops_core::TicketId::from_uuid(ticket);
            Ok(self.api()?.record_solution(actor.into(), ticket, articles).await?.into())
        })
        .await
    }

    /// How many tickets record each of `articles` as (part of) their solution, in order (an
    /// unknown id counts 0; at most 1,000 ids). Whoever may read articles may count.
    pub async fn times_solved(&self, actor: Actor, articles: Vec<Uuid>) -> Result<Vec<u64>, SysopsError> {
        guard(async move {
            let articles: Vec<ArticleId> = articles.into_iter().map(ArticleId::from_uuid).collect();
            Ok(self.api()?.times_solved(actor.into(), &articles).await?)
        })
        .await
    }

    /// Searches the current revisions of articles not retired, best first (BM25 over English
    /// stems of the title, ten times, and the body's first 4,000 characters; rarer words count
    /// more; the same on every backend; articles matching only further in come last). `query` is words
    /// (all must match), `"a phrase"`, `prefix*` and `-excluded` terms; at most 10,000
    /// characters and 32 words. Only articles about one of `categories` (empty: any) that
    /// carry every one of `tags`; `limit` 1–100 hits after `offset` (0–1,000). When nothing
    /// matches, misspelt words are corrected and the search is run again (`corrected`).
    pub async fn search_articles(
        &self,
        actor: Actor,
        query: String,
        categories: Vec<ProductCategory>,
        tags: Vec<String>,
        offset: u32,
        limit: u32,
    ) -> Result<SearchResults, SysopsError> {
        guard(async move {
            let search = article_search(query, categories, tags, offset, limit)?;
            Ok(self.api()?.search_articles(actor.into(), search).await?.into())
        })
        .await
    }
}

/// A search as [`Sysops::search_articles`] takes it, checked.
pub(crate) fn article_search(
    query: String,
    categories: Vec<ProductCategory>,
    tags: Vec<String>,
    offset: u32,
    limit: u32,
) -> Result<ArticleSearch, SysopsError> {
    let mut search = ArticleSearch::new(SearchQuery::parse(&query).map_err(sysops_core::Error::from)?);
    search.categories = categories.into_iter().collect();
    search.tags = tags.into_iter().map(Tag::new).collect::<Result<_, _>>()?;
    search.offset = offset;
    search.limit = limit;
    Ok(search)
}
