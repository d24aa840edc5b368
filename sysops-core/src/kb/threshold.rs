//! A page of search results without ranking every match: Fagin's threshold algorithm over
//! the impact-ordered lists storage keeps for each ranked term ([`super::rank`]).
//!
//! Each round reads the next entries of every query term's list (best impact first) and
//! scores the articles not seen before from their stored weights. No article left unread can
//! score more than the *threshold*: the sum, over the query's terms, of the term's worth times
//! the impact last read from its list. The best candidates are then checked against the whole
//! query by the engine (phrases, exclusions, every word, categories, tags, not retired), best
//! first and only as many as the page needs; once the page's last match scores above the
//! threshold and ahead of every candidate left unchecked, the page is exact and the search
//! stops: a common word matching half the corpus reads a few dozen entries, not every match.
//! Each round reads, and each check takes, twice as many as the last, so a query whose best
//! matches lie deep (a rare phrase of common words) takes a few round trips, not thousands.
//!
//! A query narrower than one word (a phrase, several words, exclusions, filters) first asks the
//! engine for the articles that may match it, as found from its index alone
//! ([`MatchSet::Candidates`]): when they are few, they are checked at once, and no list is
//! read. And when seven in eight of the candidates checked fail (a rare phrase of common
//! words), the engine is asked for every match: when they are few, they are the answer.
//!
//! Articles matching the query but none of its ranked terms (its words occur only past the
//! lead) score 0 and follow every ranked hit, in id order. A query of nothing but stop words
//! finds nothing.

use super::query::{SearchQuery, Term};
use super::rank::{PREFIX_WORDS, STOP_WORDS, Weights, rarity, term_of};
use super::store::{ArticleHit, ArticleSearch, KbStore};
use crate::error::StoreError;
use crate::id::ArticleId;
use crate::text::name_words;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

/// One entry of a term's list: an article and the term's impact in it. A list is ordered by
/// impact, highest first; entries of equal impact in the backend's own fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// The article.
    pub article: ArticleId,
    /// The term's impact in it (1 to 2,200).
    pub impact: u16,
}

/// A read of one term's list: at most `limit` entries after `after` (from the start when
/// `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRead {
    /// The ranked term (see [`super::rank::term_of`]).
    pub term: String,
    /// The last entry read before.
    pub after: Option<Posting>,
    /// Entries wanted.
    pub limit: u32,
}

/// What [`KbStore::matches`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchSet {
    /// Articles that may match, found from the engine's index alone, in its order: the matches
    /// themselves where the index holds word positions (SQLite), else a superset (PostgreSQL's
    /// holds none: for a phrase it answers the articles holding its words, excluding nothing).
    Candidates,
    /// The matches, in id order.
    ById,
}

/// Ranked articles (current revisions not retired) and how many contain each term asked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TermCounts {
    /// Articles ranked.
    pub articles: u64,
    /// Articles containing each term, in the order asked.
    pub docs: Vec<u64>,
}

/// Entries the first round reads for a query's term (at least), and most a round reads.
const FIRST_BATCH: usize = 32;
const MAX_BATCH: usize = 8_192;
/// Fewest entries a round reads from one list of a prefix's.
const MIN_READ: usize = 8;
/// Candidates checked, seven in eight failing, before the engine is asked for every match
/// instead (taken as the answer when fewer than [`ENUMERATED`]).
const ENUMERATE_AFTER: usize = 256;
const ENUMERATED: usize = 4_096;
/// Articles holding a narrow query's words asked of the engine before any list is read: a
/// query with fewer (rare words, a selective phrase) takes them as its candidates, which is
/// cheaper than reading lists whose entries mostly fail to match.
const PROBE: usize = 1_024;

/// A required term of the query as ranked: its worth times the best impact among its terms
/// (one for a word, up to [`PREFIX_WORDS`] for a prefix).
#[derive(Debug)]
struct Group {
    worth: f64,
    terms: Vec<String>,
}

/// Where the reading of one term's list stands.
#[derive(Debug)]
struct Cursor {
    after: Option<Posting>,
    done: bool,
    /// How many lists share the term's group: a prefix's lists each read a share of a round.
    share: usize,
}

impl Cursor {
    /// The most the term can weigh in an article not read from its list yet.
    fn bound(&self) -> u16 {
        match (self.done, self.after) {
            (true, _) => 0,
            (false, Some(last)) => last.impact,
            (false, None) => u16::MAX,
        }
    }
}

/// The hits of `search`'s page (`offset`, then at most `limit`), best first.
pub async fn search<S: KbStore + ?Sized>(store: &S, search: &ArticleSearch) -> Result<Vec<ArticleHit>, StoreError> {
    page_of(store, search, PROBE).await
}

/// [`search`] as a query matching more articles than the engine is first asked for: through
/// the lists alone.
#[cfg(any(test, feature = "testing"))]
pub async fn search_through_lists<S: KbStore + ?Sized>(
    store: &S,
    search: &ArticleSearch,
) -> Result<Vec<ArticleHit>, StoreError> {
    page_of(store, search, 0).await
}

/// [`search`], asking the engine for `probe` candidates first (0: none).
async fn page_of<S: KbStore + ?Sized>(
    store: &S,
    search: &ArticleSearch,
    probe: usize,
) -> Result<Vec<ArticleHit>, StoreError> {
    let want = search.offset as usize + search.limit as usize;
    let ranked = top(store, search, want, probe).await?;
    let page: Vec<ArticleId> = ranked.into_iter().skip(search.offset as usize).collect();
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let mut hits: BTreeMap<ArticleId, ArticleHit> =
        store.article_hits(&search.query, &page).await?.into_iter().map(|h| (h.article, h)).collect();
    // An article retired since it was ranked has no hit: it leaves the page.
    Ok(page.iter().filter_map(|id| hits.remove(id)).collect())
}

/// The `want` best articles matching `search`, best first.
async fn top<S: KbStore + ?Sized>(
    store: &S,
    search: &ArticleSearch,
    want: usize,
    probe: usize,
) -> Result<Vec<ArticleId>, StoreError> {
    if only_stop_words(&search.query) {
        // Nothing to rank them by, and on PostgreSQL nothing to match: every backend finds none.
        return Ok(Vec::new());
    }
    let groups = groups(store, &search.query).await?;
    let mut page = Page { want, found: Vec::new(), pool: Vec::new(), checked: 0 };
    // One word or prefix, unfiltered: nearly every entry of its lists matches, and the lists
    // answer at once. Anything narrower may match few of the articles its lists name: the
    // engine's candidates come first, and when they are few they are the answer.
    let query = &search.query;
    let narrower = groups.len() > 1
        || query.required().iter().any(|t| matches!(t, Term::Phrase(_)))
        || !query.excluded().is_empty()
        || !search.categories.is_empty()
        || !search.tags.is_empty();
    if probe > 0 && narrower {
        let probe = probe.max(want * 2);
        let superset = store.matches(search, probe, MatchSet::Candidates).await?;
        if superset.len() < probe {
            // Few: the answer, once the best of them are checked (unless they are the matches).
            if store.candidates_match() {
                return best_of(store, &groups, &superset, want).await;
            }
            page.pool = scored(store, &groups, &superset).await?;
            page.settle(store, search, f64::NEG_INFINITY).await?;
            return Ok(page.ids());
        }
    }
    let mut cursors: BTreeMap<&str, Cursor> = BTreeMap::new();
    for group in &groups {
        for term in &group.terms {
            let cursor = cursors.entry(term).or_insert(Cursor { after: None, done: false, share: group.terms.len() });
            cursor.share = cursor.share.min(group.terms.len());
        }
    }
    let mut seen: HashSet<ArticleId> = HashSet::new();
    let mut batch = (want * 2).clamp(FIRST_BATCH, MAX_BATCH);
    let mut enumerated = false;
    loop {
        let limit = |c: &Cursor| u32::try_from((batch / c.share).max(MIN_READ)).unwrap_or(u32::MAX);
        let reads: Vec<ListRead> = cursors
            .iter()
            .filter(|(_, c)| !c.done)
            .map(|(term, c)| ListRead { term: (*term).to_owned(), after: c.after, limit: limit(c) })
            .collect();
        if reads.is_empty() {
            break;
        }
        let pages = store.ranked_lists(&reads).await?;
        let mut fresh = Vec::new();
        for (read, list) in reads.iter().zip(pages) {
            let Some(cursor) = cursors.get_mut(read.term.as_str()) else { continue };
            cursor.done = list.len() < read.limit as usize;
            cursor.after = list.last().copied().or(cursor.after);
            fresh.extend(list.into_iter().filter(|p| seen.insert(p.article)));
        }
        match groups.as_slice() {
            // One word: the entry's impact is the article's score.
            [Group { worth, terms }] if terms.len() == 1 => {
                page.pool.extend(fresh.iter().map(|p| (worth * f64::from(p.impact), p.article)));
            }
            _ => {
                let ids: Vec<ArticleId> = fresh.iter().map(|p| p.article).collect();
                page.pool.extend(scored(store, &groups, &ids).await?);
            }
        }
        let bound = |g: &Group| g.terms.iter().filter_map(|t| cursors.get(t.as_str())).map(Cursor::bound).max();
        let threshold: f64 = groups.iter().map(|g| g.worth * f64::from(bound(g).unwrap_or(0))).sum();
        if page.settle(store, search, threshold).await? {
            return Ok(page.ids());
        }
        if !enumerated && page.checked >= ENUMERATE_AFTER && page.found.len() * 8 < page.checked {
            // Most candidates fail (words near each other, seldom in the phrase's order): if
            // the engine finds few matches, they are the answer.
            enumerated = true;
            let all = store.matches(search, ENUMERATED, MatchSet::ById).await?;
            if all.len() < ENUMERATED {
                return best_of(store, &groups, &all, want).await;
            }
        }
        batch = (batch * 2).min(MAX_BATCH);
    }
    // Every list is read: the articles left unread rank on none of the query's terms (0).
    if !page.settle(store, search, 0.0).await? {
        let known: HashSet<ArticleId> = page.found.iter().map(|(_, id)| *id).collect();
        let unranked = store.matches(search, want + known.len(), MatchSet::ById).await?;
        let rest = unranked.into_iter().filter(|id| !known.contains(id)).map(|id| (0.0, id));
        page.found.extend(rest.take(want.saturating_sub(known.len())));
    }
    Ok(page.ids())
}

/// The candidates read so far: scored from their weights, and checked against the whole query
/// only as the page needs them, best first.
struct Page {
    want: usize,
    /// Candidates that match, best first.
    found: Vec<(f64, ArticleId)>,
    /// Candidates not checked yet, best first.
    pool: Vec<(f64, ArticleId)>,
    /// Candidates checked so far: a query most candidates fail (a rare phrase of common
    /// words) checks twice as many each time, so it takes a few round trips, not hundreds.
    checked: usize,
}

impl Page {
    /// Checks the best candidates until the page is known: `want` matches, the last of them
    /// ahead of every candidate left and scoring above `bound` (what an article not read yet
    /// can score at most). False when the candidates ran out first.
    async fn settle<S: KbStore + ?Sized>(
        &mut self,
        store: &S,
        search: &ArticleSearch,
        bound: f64,
    ) -> Result<bool, StoreError> {
        self.pool.sort_by(best_first);
        loop {
            if let Some(last) = self.found.get(self.want.saturating_sub(1)) {
                let ahead = self.pool.first().is_none_or(|next| best_first(last, next) == Ordering::Less);
                if last.0 > bound && ahead {
                    return Ok(true);
                }
            }
            // The next candidates worth checking: those that could still enter the page.
            let missing = self.want.saturating_sub(self.found.len()).max(1);
            let batch = (missing * 2).max(FIRST_BATCH).max(self.checked).min(MAX_BATCH);
            let take = self.pool.iter().take_while(|(score, _)| *score > bound).take(batch).count();
            if take == 0 {
                return Ok(false);
            }
            self.checked += take;
            let batch: Vec<(f64, ArticleId)> = self.pool.drain(..take).collect();
            let ids: Vec<ArticleId> = batch.iter().map(|(_, id)| *id).collect();
            let matching: HashSet<ArticleId> = store.matching(search, &ids).await?.into_iter().collect();
            self.found.extend(batch.into_iter().filter(|(_, id)| matching.contains(id)));
            self.found.sort_by(best_first);
        }
    }

    fn ids(self) -> Vec<ArticleId> {
        self.found.into_iter().take(self.want).map(|(_, id)| id).collect()
    }
}

/// The `want` best of `matches`, best first.
async fn best_of<S: KbStore + ?Sized>(
    store: &S,
    groups: &[Group],
    matches: &[ArticleId],
    want: usize,
) -> Result<Vec<ArticleId>, StoreError> {
    let mut found = scored(store, groups, matches).await?;
    found.sort_by(best_first);
    Ok(found.into_iter().take(want).map(|(_, id)| id).collect())
}

/// `articles` scored from their stored weights (an article without any scores 0).
async fn scored<S: KbStore + ?Sized>(
    store: &S,
    groups: &[Group],
    articles: &[ArticleId],
) -> Result<Vec<(f64, ArticleId)>, StoreError> {
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    let weights: BTreeMap<ArticleId, String> = store.article_weights(articles).await?.into_iter().collect();
    Ok(articles.iter().map(|id| (weights.get(id).map_or(0.0, |w| score(groups, w)), *id)).collect())
}

/// Whether every word that must match is a stop word (`"of the"`).
fn only_stop_words(query: &SearchQuery) -> bool {
    let stop = |w: &String| STOP_WORDS.contains(&w.as_str());
    query.required().iter().all(|t| match t {
        Term::Word(w) => stop(w),
        Term::Phrase(ws) => ws.iter().all(stop),
        Term::Prefix(_) => false,
    })
}

/// Higher score first, then the article's id, so equal scores page in a fixed order.
fn best_first(a: &(f64, ArticleId), b: &(f64, ArticleId)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The score of an article from its stored weights.
fn score(groups: &[Group], stored: &str) -> f64 {
    let best = |g: &Group| g.terms.iter().map(|t| Weights::stored_impact(stored, t)).max().unwrap_or(0);
    groups.iter().map(|g| g.worth * f64::from(best(g))).sum()
}

/// The query's required terms as ranked, each with its worth; terms no article ranks on are
/// left out.
async fn groups<S: KbStore + ?Sized>(store: &S, query: &SearchQuery) -> Result<Vec<Group>, StoreError> {
    let mut words: Vec<String> = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    for term in query.required() {
        match term {
            Term::Word(w) => words.extend(term_of(w)),
            Term::Phrase(ws) => words.extend(ws.iter().filter_map(|w| term_of(w))),
            Term::Prefix(p) => prefixes.push(name_words(p).concat()),
        }
    }
    let counts = store.term_counts(&words).await?;
    let mut groups: Vec<Group> = words
        .into_iter()
        .zip(counts.docs)
        .filter(|(_, docs)| *docs > 0)
        .map(|(term, docs)| Group { worth: rarity(counts.articles, docs), terms: vec![term] })
        .collect();
    for prefix in prefixes.iter().filter(|p| !p.is_empty()) {
        let found = store.terms_starting(prefix, PREFIX_WORDS).await?;
        if let Some(most) = found.iter().map(|(_, docs)| *docs).max() {
            let terms = found.into_iter().map(|(t, _)| t).collect();
            groups.push(Group { worth: rarity(counts.articles, most), terms });
        }
    }
    Ok(groups)
}
