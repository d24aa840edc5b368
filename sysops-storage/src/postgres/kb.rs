//! The knowledge base on PostgreSQL (one node or Citus): each article's current revision in
//! `kb_articles`, matched through its `tsvector` (phrases first through its adjacent lexeme
//! pairs, `kb_pairs`), ranked through its terms' impact-ordered lists (`kb_postings`,
//! `kb_weights`, `kb_terms`: see `sysops_core::kb::threshold`), snippets cut by
//! `sysops_core::kb::snippet` from the body's lead, and the vocabulary the typo fallback
//! corrects against.

use super::{PgStore, Tx, shard};
use crate::error::backend;
use crate::rows::{self, Bind, Sql};
use crate::sql::kb::Counted;
use sqlx::postgres::PgPool;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use sysops_core::kb::rank::Weights;
use sysops_core::kb::threshold::{ListRead, MatchSet, Posting, TermCounts};
use sysops_core::kb::{ArticleHit, ArticleIndex, ArticleSearch, KbStore, SearchQuery, Term, known_word_keys};
use sysops_core::store::Change;
use sysops_core::{AggregateKind, ArticleId, ProductCategory, Sequence, StoreError, StreamId};
use uuid::Uuid;

/// Articles ranked per transaction when an older database is first opened.
const BACKFILL_PAGE: i64 = 500;

/// The commit's article rows, then its vocabulary in one statement.
pub(super) async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    let articles: Vec<(&Change, &ArticleIndex)> =
        changes.iter().filter_map(|c| c.index.get::<ArticleIndex>().map(|i| (c, i))).collect();
    for (change, index) in &articles {
        write_article(tx, change, index).await?;
    }
    write_pairs(tx, &articles).await?;
    let ranked = articles.iter().map(|(c, i)| (c.stream().id, (!i.retired).then_some(&i.weights)));
    rank(tx, ranked.collect()).await?;
    write_vocabulary(tx, rows::vocabulary(articles.iter().map(|(_, i)| *i))).await
}

/// Moves the articles' entries in the ranked lists from their stored weights to their new
/// ones (`None`: no longer ranked), with the terms' article counts: each table's rows in one
/// statement, but the entries taken out, one by one on their term's shard (only revisions and
/// retirements take any out).
async fn rank(tx: &mut Tx, articles: Vec<(Uuid, Option<&Weights>)>) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = articles.iter().map(|(id, _)| *id).collect();
    let stored: Vec<(Uuid, String)> = sqlx::query_as("SELECT article, weights FROM kb_weights WHERE article = ANY($1)")
        .bind(&ids)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
    let stored: HashMap<Uuid, Weights> = stored.into_iter().map(|(id, w)| (id, Weights::decode(&w))).collect();
    let mut added: Vec<(i32, String, i16, Uuid)> = Vec::new();
    let mut docs: BTreeMap<String, i64> = BTreeMap::new();
    for (id, new) in &articles {
        let change = crate::sql::kb::rerank(stored.get(id), *new);
        for (term, impact) in change.removed {
            sqlx::query("DELETE FROM kb_postings WHERE shard = $1 AND term = $2 AND impact = $3 AND article = $4")
                .bind(word_shard(&term))
                .bind(&term)
                .bind(impact)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(backend)?;
        }
        added.extend(change.added.into_iter().map(|(term, impact)| (word_shard(&term), term, impact, *id)));
        for (term, n) in change.docs {
            *docs.entry(term).or_default() += n;
        }
    }
    if !added.is_empty() {
        sqlx::query(
            "INSERT INTO kb_postings (shard, term, impact, article)
             SELECT * FROM UNNEST($1::int[], $2::text[], $3::int2[], $4::uuid[])",
        )
        .bind(rows::column(&added, |(shard, ..)| *shard))
        .bind(rows::column(&added, |(_, term, ..)| term.clone()))
        .bind(rows::column(&added, |(_, _, impact, _)| *impact))
        .bind(rows::column(&added, |(.., id)| *id))
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    docs.retain(|_, n| *n != 0);
    add_counts(tx, Counted::Terms, &docs.iter().map(|(t, n)| (t.as_str(), *n)).collect()).await?;
    let (ranked, unranked): (Vec<_>, Vec<_>) = articles.iter().partition(|(_, w)| w.is_some());
    if !ranked.is_empty() {
        sqlx::query(
            "INSERT INTO kb_weights (shard, article, weights) SELECT * FROM UNNEST($1::int[], $2::uuid[], $3::text[])
             ON CONFLICT (article, shard) DO UPDATE SET weights = excluded.weights",
        )
        .bind(rows::column(&ranked, |(id, _)| article_shard(*id)))
        .bind(rows::column(&ranked, |(id, _)| *id))
        .bind(rows::column(&ranked, |(_, w)| w.map(Weights::encode).unwrap_or_default()))
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    if !unranked.is_empty() {
        sqlx::query("DELETE FROM kb_weights WHERE article = ANY($1)")
            .bind(rows::column(&unranked, |(id, _)| *id))
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

/// Ranks the articles stored before the ranked lists existed, once: a page per transaction,
/// so an interrupted run resumes where it stopped (a ranked article has its weights).
pub(super) async fn backfill(pool: &PgPool) -> Result<(), StoreError> {
    if super::backfilled(pool, "kb_rank_backfill").await? {
        return Ok(());
    }
    let mut after = Uuid::nil();
    loop {
        let page: Vec<(Uuid, String, String)> = sqlx::query_as(
            "SELECT a.id, a.title, a.body FROM kb_articles a
             WHERE a.id > $1 AND NOT a.retired
               AND NOT EXISTS (SELECT 1 FROM kb_weights w WHERE w.shard = a.shard AND w.article = a.id)
             ORDER BY a.id LIMIT $2",
        )
        .bind(after)
        .bind(BACKFILL_PAGE)
        .fetch_all(pool)
        .await
        .map_err(backend)?;
        let Some((last, _, _)) = page.last() else { break };
        after = *last;
        let weights: Vec<(Uuid, Weights)> =
            page.into_iter().map(|(id, title, body)| (id, Weights::of(&title, &body))).collect();
        let mut tx: Tx = pool.begin().await.map_err(backend)?;
        rank(&mut tx, weights.iter().map(|(id, w)| (*id, Some(w))).collect()).await?;
        tx.commit().await.map_err(backend)?;
    }
    super::mark_backfilled(pool, "kb_rank_backfill").await
}

/// What an article `a` must be to be found whatever the query: see [`MATCHED`].
macro_rules! filtered {
    () => {
        "NOT a.retired AND (cardinality($2::text[]) = 0 OR a.categories && $2::text[]) AND a.tags @> $3::text[]"
    };
}

/// What an article `a` matching a search meets: not retired, its vector matching the query
/// (`$1`), about one of the categories asked (`$2`; none: any) and carrying every tag asked
/// (`$3`). English stop words leave a query: one left with only exclusions (`how to
/// -windows`) would match nearly every article, so it matches none (`querytree` is then 'T').
const MATCHED: &str =
    concat!("a.search @@ to_tsquery('english', $1) AND querytree(to_tsquery('english', $1)) <> 'T' AND ", filtered!());

/// [`MATCHED`] but the query.
const FILTERED: &str = filtered!();

/// Articles `a` with their adjacent lexeme pairs `p`, for a phrase's conditions.
const PAIRED: &str = "kb_pairs p JOIN kb_articles a ON a.shard = p.shard AND a.id = p.article";

/// Binds [`MATCHED`]'s parameters: `query` (the search's own, or a looser one) and the
/// search's filters.
fn bind_search<'q, O>(
    statement: sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    search: &ArticleSearch,
    query: &SearchQuery,
) -> sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    let categories: Vec<String> = search.categories.iter().map(|c| c.as_str().to_owned()).collect();
    let tags: Vec<String> = search.tags.iter().map(|t| t.as_str().to_owned()).collect();
    statement.bind(query.to_tsquery()).bind(categories).bind(tags)
}

impl PgStore {
    /// The hashes of the lexeme pairs standing next to each other in the query's phrases, as
    /// `kb_pairs` holds them (none: no phrase, or none with two words left next to each other
    /// once stop words are out).
    async fn phrase_pairs(&self, query: &SearchQuery) -> Result<Vec<i32>, StoreError> {
        let phrases: Vec<String> = query
            .required()
            .iter()
            .filter_map(|t| match t {
                Term::Phrase(words) => Some(words.join(" ")),
                _ => None,
            })
            .collect();
        if phrases.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query_scalar(
            "SELECT coalesce(array_agg(DISTINCT pair), '{}') FROM unnest($1::text[]) AS phrase,
                 unnest(kb_adjacent_pairs(to_tsvector('english', phrase))) AS pair",
        )
        .bind(phrases)
        .fetch_one(&self.pool)
        .await
        .map_err(backend)
    }
}

/// The shard an article's rows live on.
fn article_shard(id: Uuid) -> i32 {
    shard(StreamId::new(AggregateKind::Article, id))
}

async fn write_article(tx: &mut Tx, change: &Change, index: &ArticleIndex) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO kb_articles (shard, id, revision, title, body, categories, tags, retired)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id, shard) DO UPDATE SET revision = excluded.revision, title = excluded.title,
             body = excluded.body, categories = excluded.categories, tags = excluded.tags,
             retired = excluded.retired",
    )
    .bind(shard(change.stream()))
    .bind(change.stream().id)
    .bind(i32::try_from(index.revision).unwrap_or(i32::MAX))
    .bind(&index.title)
    .bind(&index.body)
    .bind(index.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>())
    .bind(index.tags.iter().map(String::as_str).collect::<Vec<_>>())
    .bind(index.retired)
    .execute(&mut **tx)
    .await
    .map(drop)
    .map_err(backend)
}

/// Each article's adjacent lexeme pairs, from the vector just written (see
/// `0012_kb_phrases.sql`); a retired article's leave.
async fn write_pairs(tx: &mut Tx, articles: &[(&Change, &ArticleIndex)]) -> Result<(), StoreError> {
    let (retired, current): (Vec<_>, Vec<_>) = articles.iter().partition(|(_, index)| index.retired);
    let keys = |of: &[&(&Change, &ArticleIndex)]| {
        (rows::column(of, |(c, _)| shard(c.stream())), rows::column(of, |(c, _)| c.stream().id))
    };
    if !current.is_empty() {
        let (shards, ids) = keys(&current);
        sqlx::query(
            "INSERT INTO kb_pairs (shard, article, pairs)
             SELECT shard, id, kb_adjacent_pairs(search) FROM kb_articles WHERE shard = ANY($1) AND id = ANY($2)
             ON CONFLICT (article, shard) DO UPDATE SET pairs = excluded.pairs",
        )
        .bind(shards)
        .bind(ids)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    if !retired.is_empty() {
        let (shards, ids) = keys(&retired);
        sqlx::query("DELETE FROM kb_pairs WHERE shard = ANY($1) AND article = ANY($2)")
            .bind(shards)
            .bind(ids)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

/// Adds the commit's uses of each word; the words new to the vocabulary also get their
/// deletion keys.
async fn write_vocabulary(tx: &mut Tx, uses: std::collections::BTreeMap<&str, i64>) -> Result<(), StoreError> {
    let counted = add_counts(tx, Counted::Words, &uses).await?;
    let new_words =
        counted.iter().filter(|(word, total)| uses.get(word.as_str()) == Some(total)).map(|(w, _)| w.as_str());
    let keys = known_word_keys(new_words);
    if keys.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO kb_word_keys (shard, key, word) SELECT * FROM UNNEST($1::int[], $2::text[], $3::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(rows::column(&keys, |(_, word)| word_shard(word)))
    .bind(keys.iter().map(|(key, _)| key.as_str()).collect::<Vec<_>>())
    .bind(rows::column(&keys, |(_, word)| *word))
    .execute(&mut **tx)
    .await
    .map(drop)
    .map_err(backend)
}

/// Adds `counts` to each word's count in `table` (a row per word on the word's shard) and
/// returns each word's new total. The rows are written in word order, so two commits sharing
/// words lock them in the same order and never wait on each other in a cycle.
async fn add_counts(
    tx: &mut Tx,
    table: Counted,
    counts: &BTreeMap<&str, i64>,
) -> Result<Vec<(String, i64)>, StoreError> {
    if counts.is_empty() {
        return Ok(Vec::new());
    }
    let (table, key, count) = table.names();
    let sql = format!(
        "INSERT INTO {table} (shard, {key}, {count})
         SELECT shard, {key}, {count} FROM UNNEST($1::int[], $2::text[], $3::bigint[]) WITH ORDINALITY AS w (shard, {key}, {count}, n)
         ORDER BY n
         ON CONFLICT ({key}, shard) DO UPDATE SET {count} = {table}.{count} + excluded.{count}
         RETURNING {key}, {count}"
    );
    let words: Vec<&str> = counts.keys().copied().collect();
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(rows::column(&words, |w| word_shard(w)))
        .bind(&words)
        .bind(counts.values().copied().collect::<Vec<i64>>())
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)
}

/// The shard a vocabulary word's rows live on: 16 bits of its FNV-1a hash, stable across
/// versions and machines (the rows of a word must be found where they were written).
fn word_shard(word: &str) -> i32 {
    let hash = word.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    i32::from((hash & 0xffff) as u16)
}

impl KbStore for PgStore {
    async fn term_counts(&self, terms: &[String]) -> Result<TermCounts, StoreError> {
        let mut asked = vec![""];
        asked.extend(terms.iter().map(String::as_str));
        let found: Vec<(String, i64)> = sqlx::query_as("SELECT term, docs FROM kb_terms WHERE term = ANY($1)")
            .bind(&asked)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        Ok(crate::sql::kb::term_counts(terms, &found))
    }

    async fn terms_starting(&self, prefix: &str, max: usize) -> Result<Vec<(String, u64)>, StoreError> {
        let found: Vec<(String, i64)> = sqlx::query_as(
            "SELECT term, docs FROM kb_terms WHERE term >= $1 AND term < $1 || chr(1114111) AND docs > 0
             ORDER BY docs DESC, term LIMIT $2",
        )
        .bind(prefix)
        .bind(rows::to_i64(max as u64))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|(term, docs)| (term, rows::to_u64(docs))).collect())
    }

    /// Every list's next entries in one statement: a `UNION ALL` of one read per term, each on
    /// the term's shard.
    async fn ranked_lists(&self, reads: &[ListRead]) -> Result<Vec<Vec<Posting>>, StoreError> {
        let mut sql = Sql::new("", self.placeholders());
        let mut binds = Vec::new();
        for (n, read) in reads.iter().enumerate() {
            if n > 0 {
                sql.push(" UNION ALL ");
            }
            sql.push("(SELECT #::int AS n, article, impact FROM kb_postings WHERE shard = # AND term = #");
            binds.extend([
                Bind::Int(rows::to_i64(n as u64)),
                Bind::Shard(word_shard(&read.term)),
                Bind::String(read.term.clone()),
            ]);
            if let Some(after) = read.after {
                sql.push(" AND (impact, article) < (#::int2, #::uuid)");
                binds.extend([Bind::Int(i64::from(after.impact)), Bind::Id(after.article.as_uuid())]);
            }
            sql.push(" ORDER BY impact DESC, article DESC LIMIT #)");
            binds.push(Bind::Int(i64::from(read.limit)));
        }
        let found: Vec<(i32, Uuid, i16)> = rows::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.text)), binds)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let mut lists: Vec<Vec<(Uuid, i64)>> = vec![Vec::new(); reads.len()];
        for (n, article, impact) in found {
            if let Some(list) = usize::try_from(n).ok().and_then(|n| lists.get_mut(n)) {
                list.push((article, i64::from(impact)));
            }
        }
        // UNION ALL keeps each read's rows together but not necessarily in order.
        Ok(lists
            .into_iter()
            .map(|mut list| {
                list.sort_by(|(a, x), (b, y)| y.cmp(x).then(b.cmp(a)));
                crate::sql::kb::postings(list)
            })
            .collect())
    }

    async fn matching(&self, search: &ArticleSearch, among: &[ArticleId]) -> Result<Vec<ArticleId>, StoreError> {
        let ids: Vec<Uuid> = among.iter().map(|a| a.as_uuid()).collect();
        let pairs = self.phrase_pairs(&search.query).await?;
        // Most candidates of a phrase fail it: their pairs say so before their vectors are read.
        let sql = if pairs.is_empty() {
            format!("SELECT a.id FROM kb_articles a WHERE {MATCHED} AND a.id = ANY($4)")
        } else {
            format!("SELECT a.id FROM {PAIRED} WHERE p.article = ANY($4) AND p.pairs @> $5 AND {MATCHED}")
        };
        let mut statement = bind_search(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), search, &search.query).bind(&ids);
        if !pairs.is_empty() {
            statement = statement.bind(pairs);
        }
        let found: Vec<Uuid> = statement.fetch_all(&self.pool).await.map_err(backend)?;
        Ok(found.into_iter().map(ArticleId::from_uuid).collect())
    }

    /// The candidates are the articles holding the loosened query's words
    /// ([`SearchQuery::loosened`]) and every pair of words standing next to each other in its
    /// phrases (`kb_pairs`): the GIN indexes answer that without re-reading any article's
    /// vector, as a phrase's positions would. Always through the indexes: the planner would
    /// otherwise read every article of a common word's query, re-reading each vector (the CTE
    /// hides the limit, which would invite it to, and sequential scans are off for the
    /// statement); then read only until enough are found.
    async fn matches(&self, search: &ArticleSearch, limit: usize, set: MatchSet) -> Result<Vec<ArticleId>, StoreError> {
        let (query, order) = match set {
            MatchSet::Candidates => (search.query.loosened(), ""),
            MatchSet::ById => (search.query.clone(), "ORDER BY id"),
        };
        let pairs = self.phrase_pairs(&search.query).await?;
        let only_phrases = search.query.required().iter().all(|t| matches!(t, Term::Phrase(_)));
        let (from, condition) = match (pairs.is_empty(), set) {
            (true, _) => ("kb_articles a", MATCHED.to_owned()),
            // The pairs hold the phrases' words: the vectors need not be re-read for them.
            (false, MatchSet::Candidates) if only_phrases => {
                (PAIRED, format!("p.pairs @> $5 AND {FILTERED} AND $1::text IS NOT NULL"))
            }
            (false, _) => (PAIRED, format!("p.pairs @> $5 AND {MATCHED}")),
        };
        let sql = format!(
            "WITH found AS MATERIALIZED (SELECT a.id FROM {from} WHERE {condition}) SELECT id FROM found {order} LIMIT $4"
        );
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.map_err(backend)?;
        let mut statement =
            bind_search(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), search, &query).bind(rows::to_i64(limit as u64));
        if !pairs.is_empty() {
            statement = statement.bind(pairs);
        }
        let found: Vec<Uuid> = statement.fetch_all(&mut *tx).await.map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(found.into_iter().map(ArticleId::from_uuid).collect())
    }

    /// A phrase's candidates hold its words, not always in its order.
    fn candidates_match(&self) -> bool {
        false
    }

    async fn article_weights(&self, articles: &[ArticleId]) -> Result<Vec<(ArticleId, String)>, StoreError> {
        let ids: Vec<Uuid> = articles.iter().map(|a| a.as_uuid()).collect();
        let found: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT article, weights FROM kb_weights WHERE article = ANY($1)")
                .bind(&ids)
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        Ok(found.into_iter().map(|(id, weights)| (ArticleId::from_uuid(id), weights)).collect())
    }

    /// Snippets cut by sysops from the body's lead, as on every backend (`ts_headline` took
    /// longer than the rest of a search).
    async fn article_hits(&self, query: &SearchQuery, articles: &[ArticleId]) -> Result<Vec<ArticleHit>, StoreError> {
        let ids: Vec<Uuid> = articles.iter().map(|a| a.as_uuid()).collect();
        let found: Vec<rows::HitRow> = sqlx::query_as(
            "SELECT id, revision::bigint, title, left(body, $2) FROM kb_articles WHERE id = ANY($1) AND NOT retired",
        )
        .bind(&ids)
        .bind(i32::try_from(sysops_core::kb::rank::LEAD_CHARS).unwrap_or(i32::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|row| rows::article_hit(query, row)).collect())
    }

    async fn similar_words(&self, keys: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        let found: Vec<(String, i64)> = sqlx::query_as(
            "SELECT DISTINCT w.word, w.uses FROM kb_word_keys k
             JOIN kb_words w ON w.shard = k.shard AND w.word = k.word
             WHERE k.key = ANY($1)",
        )
        .bind(keys)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|(word, uses)| (word, rows::to_u64(uses))).collect())
    }

    /// Fresh statistics of the tables the import filled: until autovacuum gets to them, the
    /// planner would take the new articles for an empty table and scan them all.
    async fn articles_imported(&self) -> Result<(), StoreError> {
        sqlx::query("ANALYZE kb_articles, kb_words, kb_word_keys, kb_postings, kb_weights, kb_terms")
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(backend)
    }

    async fn article_versions(
        &self,
        categories: &BTreeSet<ProductCategory>,
    ) -> Result<Vec<(ArticleId, Sequence)>, StoreError> {
        let categories: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        let found: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
            "SELECT a.id, s.version FROM kb_articles a
             JOIN states s ON s.shard = a.shard AND s.kind = 'article' AND s.id = a.id
             WHERE a.categories && $1::text[]",
        )
        .bind(categories)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(crate::sql::kb::versions(found))
    }

    async fn times_solved(&self, articles: &[ArticleId]) -> Result<Vec<u64>, StoreError> {
        if articles.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, binds) = crate::sql::kb::times_solved_query(articles, self.placeholders());
        let found: Vec<(uuid::Uuid, i64)> = rows::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), binds)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        Ok(crate::sql::kb::in_order(articles, &found))
    }
}
