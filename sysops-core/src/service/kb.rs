//! The knowledge base: writing, revising and retiring articles, reading and comparing their
//! revisions, and searching them with a typo-tolerant fallback.

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::ctx::Ctx;
use crate::error::ValidationError;
use crate::event::Sequence;
use crate::id::{ArticleId, TicketId};
use crate::kb::{
    Article, ArticleCommand, ArticleContent, ArticleEvent, ArticleRevision, ArticleSearch, DiffLine, KbError,
    SearchQuery, SearchResults, best_correction, deletion_keys, line_diff,
};
use crate::persist::{self, Change};
use crate::store::Store;
use crate::text::Reason;
use crate::ticket::{Ticket, TicketCommand};
use std::collections::{BTreeMap, BTreeSet};

impl<S> Service<S> {
    /// Most articles counted by one [`Service::times_solved`] call.
    pub const MAX_COUNTED: usize = 1_000;
}

/// Articles committed together, in one transaction, by [`Service::import_articles`].
pub const IMPORT_PAGE: usize = 100;

/// How far a bulk import has come, reported after each committed page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    /// Articles committed so far.
    pub imported: u64,
    /// Articles to import in all.
    pub total: u64,
}

impl<S: Store> Service<S> {
    /// Writes a new article (revision 1) as its author.
    pub async fn write_article(&self, actor: Actor, content: ArticleContent) -> Result<Article, Error> {
        let ctx: Ctx<'_> = self.ctx(actor, Action::WriteArticle).await?;
        self.save(None, Article::write(content, &ctx)?).await
    }

    /// Writes many articles (the call center's existing knowledge base): every content is
    /// checked first, then the articles are committed [`IMPORT_PAGE`] at a time, `progress`
    /// told after each page. Nothing is written if any content is refused; if storage fails
    /// part-way, the pages `progress` reported stay imported.
    pub async fn import_articles(
        &self,
        actor: Actor,
        contents: Vec<ArticleContent>,
        mut progress: impl FnMut(ImportProgress) + Send,
    ) -> Result<Vec<ArticleId>, Error> {
        let ctx: Ctx<'_> = self.ctx(actor, Action::WriteArticle).await?;
        authorize(&ctx.actor, Action::WriteArticle, Target::default())?;
        // Every article decided (and so checked) before any is written.
        let decided = contents.into_iter().map(|c| Article::write(c, &ctx)).collect::<Result<Vec<_>, _>>()?;
        let total = decided.len() as u64;
        let mut ids = Vec::with_capacity(decided.len());
        let mut decided = decided.into_iter().peekable();
        while decided.peek().is_some() {
            let mut changes = Vec::with_capacity(IMPORT_PAGE);
            for events in decided.by_ref().take(IMPORT_PAGE) {
                let article: Article = crate::aggregate::replay(&events)?;
                changes.push(Change::of(Sequence::NONE, &article, &events)?);
                ids.push(article.id);
            }
            self.store.commit(changes).await?;
            progress(ImportProgress { imported: ids.len() as u64, total });
        }
        self.store.articles_imported().await?;
        Ok(ids)
    }

    /// Writes the next revision of an article, saying why.
    pub async fn revise_article(
        &self,
        actor: Actor,
        article: ArticleId,
        content: ArticleContent,
        why: Reason,
    ) -> Result<Article, Error> {
        self.execute(actor, article, ArticleCommand::Revise { content, why }).await
    }

    /// Takes an article out of search; its revisions stay readable.
    pub async fn retire_article(&self, actor: Actor, article: ArticleId, why: Reason) -> Result<Article, Error> {
        self.execute(actor, article, ArticleCommand::Retire { why }).await
    }

    /// An article at its latest revision, with the list of its revisions.
    pub async fn article(&self, actor: Actor, article: ArticleId) -> Result<Article, Error> {
        self.may_read_articles(actor).await?;
        self.get(article).await
    }

    /// How many tickets record each of `articles` (at most [`Self::MAX_COUNTED`]) as (part
    /// of) their solution, in order: whoever may read articles may count.
    pub async fn times_solved(&self, actor: Actor, articles: &[ArticleId]) -> Result<Vec<u64>, Error> {
        self.may_read_articles(actor).await?;
        if articles.len() > Self::MAX_COUNTED {
            return Err(ValidationError::count("articles", articles.len(), 0, Self::MAX_COUNTED).into());
        }
        Ok(self.store.times_solved(articles).await?)
    }

    /// Records which articles solved a completed (or closed) ticket, replacing what was
    /// recorded before (none: withdraws it). Each article must exist (retired ones too: they
    /// solved it then); at most [`Ticket::MAX_SOLUTIONS`]. The expert who did the work,
    /// helpdesk and administrators may record.
    pub async fn record_solution(
        &self,
        actor: Actor,
        ticket: TicketId,
        articles: BTreeSet<ArticleId>,
    ) -> Result<Ticket, Error> {
        // Too many is refused by the ticket's decision, before any article is read.
        if articles.len() <= Ticket::MAX_SOLUTIONS {
            self.verify(actor, Action::RecordSolution).await?;
            for &article in &articles {
                self.get::<Article>(article).await?;
            }
        }
        self.execute(actor, ticket, TicketCommand::RecordSolution { articles }).await
    }

    /// Revision `revision` (1 is the first) of an article, as it was written.
    pub async fn article_revision(
        &self,
        actor: Actor,
        article: ArticleId,
        revision: u32,
    ) -> Result<ArticleRevision, Error> {
        self.may_read_articles(actor).await?;
        let history = self.article_history(article).await?;
        Ok(Article::revision_of(&history, revision)?)
    }

    /// The line diff of an article's body from revision `from` to revision `to`.
    pub async fn compare_revisions(
        &self,
        actor: Actor,
        article: ArticleId,
        from: u32,
        to: u32,
    ) -> Result<Vec<DiffLine>, Error> {
        self.may_read_articles(actor).await?;
        let history = self.article_history(article).await?;
        let (old, new) = (Article::revision_of(&history, from)?, Article::revision_of(&history, to)?);
        Ok(line_diff(old.content.body.as_str(), new.content.body.as_str()))
    }

    /// Searches the current revisions of articles not retired, ranked as [`crate::kb::rank`]
    /// describes (the same on every backend) without reading every match
    /// ([`crate::kb::threshold`]). When a page has no hits and some
    /// typed words are not in the articles' vocabulary, each is replaced by the word it most
    /// likely meant ([`best_correction`]) and the corrected query's page is returned, with the
    /// query in [`SearchResults::corrected`] (so the next pages of a corrected search come from
    /// the same call with the next offset). `next_offset` is absent past offset 1,000.
    pub async fn search_articles(&self, actor: Actor, search: ArticleSearch) -> Result<SearchResults, Error> {
        self.may_read_articles(actor).await?;
        search.check()?;
        let results = self.search_page(&search).await?;
        if !results.hits.is_empty() {
            return Ok(results);
        }
        let Some(corrected) = self.corrected(&search.query).await? else { return Ok(results) };
        let retry = ArticleSearch { query: corrected.clone(), ..search };
        Ok(SearchResults { corrected: Some(corrected), ..self.search_page(&retry).await? })
    }

    /// One page, asking the store for one hit more to know whether another page follows.
    async fn search_page(&self, search: &ArticleSearch) -> Result<SearchResults, Error> {
        let probe = ArticleSearch { limit: search.limit + 1, ..search.clone() };
        let mut hits = crate::kb::threshold::search(&self.store, &probe).await?;
        let more = hits.len() > search.limit as usize;
        hits.truncate(search.limit as usize);
        let ids: Vec<ArticleId> = hits.iter().map(|h| h.article).collect();
        for (hit, solved) in hits.iter_mut().zip(self.store.times_solved(&ids).await?) {
            hit.solved_tickets = solved;
        }
        Ok(SearchResults { hits, corrected: None, next_offset: search.window()?.next_offset(more) })
    }

    /// `query` with its misspelt words corrected, if any was.
    async fn corrected(&self, query: &SearchQuery) -> Result<Option<SearchQuery>, Error> {
        let typed: Vec<(&str, BTreeSet<String>)> =
            query.correctable_words().into_iter().map(|w| (w, deletion_keys(w))).collect();
        let keys: Vec<String> = typed.iter().flat_map(|(_, keys)| keys.iter().cloned()).collect();
        if keys.is_empty() {
            return Ok(None);
        }
        let vocabulary = self.store.similar_words(&keys).await?;
        // Each vocabulary word's keys computed once, and the word offered to every typed word
        // sharing one.
        let mut candidates: BTreeMap<&str, Vec<(&str, u64)>> = BTreeMap::new();
        for (word, uses) in &vocabulary {
            let theirs = deletion_keys(word);
            for (typed, ours) in &typed {
                if !ours.is_disjoint(&theirs) {
                    candidates.entry(typed).or_default().push((word, *uses));
                }
            }
        }
        let corrections: BTreeMap<&str, String> = candidates
            .into_iter()
            .filter_map(|(typed, offered)| best_correction(typed, offered).map(|better| (typed, better)))
            .collect();
        if corrections.is_empty() {
            return Ok(None);
        }
        Ok(Some(query.corrected(|w| corrections.get(w).cloned())))
    }

    async fn may_read_articles(&self, actor: Actor) -> Result<(), Error> {
        let actor = self.verify(actor, Action::ReadArticles).await?;
        Ok(authorize(&actor, Action::ReadArticles, Target::default())?)
    }

    async fn article_history(&self, article: ArticleId) -> Result<Vec<crate::event::Envelope<ArticleEvent>>, Error> {
        let history = persist::history::<Article, S>(&self.store, article).await?;
        if history.is_empty() {
            return Err(Error::not_found(crate::event::AggregateKind::Article, article));
        }
        Ok(history)
    }
}

impl From<crate::kb::QueryError> for Error {
    fn from(error: crate::kb::QueryError) -> Self {
        Error::Kb(KbError::Query(error))
    }
}
