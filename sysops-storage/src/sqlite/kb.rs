//! The knowledge base on SQLite: each article's current revision in `kb_articles`, matched
//! through FTS5 (`kb_fts`), ranked through its terms' impact-ordered lists (`kb_postings`,
//! `kb_weights`, `kb_terms`: see `sysops_core::kb::threshold`), snippets cut by
//! `sysops_core::kb::snippet` from the body's lead, and the vocabulary the typo fallback
//! corrects against.

use super::{SqliteStore, Tx};
use crate::error::backend;
use crate::rows;
use crate::sql::kb::Counted;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqlitePool};
use std::collections::{BTreeMap, BTreeSet};
use sysops_core::kb::rank::Weights;
use sysops_core::kb::threshold::{ListRead, MatchSet, Posting, TermCounts};
use sysops_core::kb::{ArticleHit, ArticleIndex, ArticleSearch, KbStore, SearchQuery, known_word_keys};
use sysops_core::store::Change;
use sysops_core::{ArticleId, ProductCategory, Sequence, StoreError};

/// Rows per multi-row `INSERT` (SQLite allows 32,766 parameters a statement).
const ROWS_PER_STATEMENT: usize = 1_000;
/// Articles ranked per transaction when an older database is first opened.
const BACKFILL_PAGE: i64 = 500;

/// The commit's article rows, their places in the ranked lists (all articles' at once), then
/// its vocabulary.
pub(super) async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    let articles: Vec<(&Change, &ArticleIndex)> =
        changes.iter().filter_map(|c| c.index.get::<ArticleIndex>().map(|i| (c, i))).collect();
    let mut ranks = Ranks::default();
    for (change, index) in &articles {
        let (rowid, old) = write_article(tx, change, index).await?;
        ranks.add(rowid, old.as_ref(), (!index.retired).then_some(&index.weights));
    }
    ranks.write(tx).await?;
    write_vocabulary(tx, rows::vocabulary(articles.iter().map(|(_, i)| *i))).await
}

/// Writes an article's row, categories and tags: its row id, and the weights it ranked with
/// before (`None` when new or not ranked).
async fn write_article(
    tx: &mut Tx,
    change: &Change,
    index: &ArticleIndex,
) -> Result<(i64, Option<Weights>), StoreError> {
    let id = change.stream().id;
    let old: Option<String> = sqlx::query_scalar(
        "SELECT w.weights FROM kb_articles a JOIN kb_weights w ON w.article = a.rowid WHERE a.id = ?1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(backend)?;
    let rowid: i64 = sqlx::query_scalar(
        "INSERT INTO kb_articles (id, revision, title, body, retired) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, title = excluded.title,
             body = excluded.body, retired = excluded.retired
         RETURNING rowid",
    )
    .bind(id)
    .bind(i64::from(index.revision))
    .bind(&index.title)
    .bind(&index.body)
    .bind(index.retired)
    .fetch_one(&mut **tx)
    .await
    .map_err(backend)?;
    for table in ["kb_article_categories", "kb_article_tags"] {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE article = ?1")))
            .bind(rowid)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    for category in &index.categories {
        sqlx::query("INSERT INTO kb_article_categories (article, category) VALUES (?1, ?2)")
            .bind(rowid)
            .bind(category.as_str())
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    for tag in &index.tags {
        sqlx::query("INSERT INTO kb_article_tags (article, tag) VALUES (?1, ?2)")
            .bind(rowid)
            .bind(tag)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok((rowid, old.map(|w| Weights::decode(&w))))
}

/// The moves of a commit's articles in the ranked lists, gathered so that each table is
/// written in a few multi-row statements rather than a few per article.
#[derive(Default)]
struct Ranks {
    /// `(term, impact, article)` entries leaving and entering `kb_postings`.
    removed: Vec<(String, i16, i64)>,
    added: Vec<(String, i16, i64)>,
    /// How many more articles rank on each term.
    docs: BTreeMap<String, i64>,
    /// Each article's new weights, or `None` when it no longer ranks.
    weights: Vec<(i64, Option<String>)>,
}

impl Ranks {
    /// An article's move from its `old` weights to its `new` ones (`None`: not ranked).
    fn add(&mut self, rowid: i64, old: Option<&Weights>, new: Option<&Weights>) {
        let change = crate::sql::kb::rerank(old, new);
        self.removed.extend(change.removed.into_iter().map(|(t, i)| (t, i, rowid)));
        self.added.extend(change.added.into_iter().map(|(t, i)| (t, i, rowid)));
        for (term, n) in change.docs {
            *self.docs.entry(term).or_default() += n;
        }
        self.weights.push((rowid, new.map(Weights::encode)));
    }

    async fn write(self, tx: &mut Tx) -> Result<(), StoreError> {
        for chunk in self.removed.chunks(ROWS_PER_STATEMENT) {
            let mut delete =
                QueryBuilder::<Sqlite>::new("DELETE FROM kb_postings WHERE (term, impact, article) IN (VALUES ");
            let mut rows = delete.separated(", ");
            for (term, impact, article) in chunk {
                rows.push("(").push_bind_unseparated(term).push_unseparated(", ");
                rows.push_bind_unseparated(impact).push_unseparated(", ").push_bind_unseparated(article);
                rows.push_unseparated(")");
            }
            delete.push(")");
            delete.build().execute(&mut **tx).await.map_err(backend)?;
        }
        for chunk in self.added.chunks(ROWS_PER_STATEMENT) {
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO kb_postings (term, impact, article) ");
            insert.push_values(chunk, |mut row, (term, impact, article)| {
                row.push_bind(term).push_bind(impact).push_bind(article);
            });
            insert.build().execute(&mut **tx).await.map_err(backend)?;
        }
        let docs: BTreeMap<&str, i64> =
            self.docs.iter().filter(|(_, n)| **n != 0).map(|(t, n)| (t.as_str(), *n)).collect();
        add_counts(tx, Counted::Terms, &docs).await?;
        let (ranked, unranked): (Vec<_>, Vec<_>) = self.weights.into_iter().partition(|(_, w)| w.is_some());
        for chunk in ranked.chunks(ROWS_PER_STATEMENT) {
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT OR REPLACE INTO kb_weights (article, weights) ");
            insert.push_values(chunk, |mut row, (article, weights)| {
                row.push_bind(article).push_bind(weights);
            });
            insert.build().execute(&mut **tx).await.map_err(backend)?;
        }
        for (article, _) in unranked {
            sqlx::query("DELETE FROM kb_weights WHERE article = ?1")
                .bind(article)
                .execute(&mut **tx)
                .await
                .map_err(backend)?;
        }
        Ok(())
    }
}

/// Ranks the articles stored before the ranked lists existed, once.
pub(super) async fn backfill(pool: &SqlitePool) -> Result<(), StoreError> {
    if super::backfilled(pool, "kb_rank_backfill").await? {
        return Ok(());
    }
    // A page at a time, each in a transaction of its own: an interrupted backfill resumes
    // where it stopped (a ranked article has its weights).
    let mut after = 0i64;
    loop {
        let mut tx: Tx = pool.begin().await.map_err(backend)?;
        let page: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT a.rowid, a.title, a.body FROM kb_articles a
             WHERE a.rowid > ?1 AND a.retired = 0 AND NOT EXISTS (SELECT 1 FROM kb_weights w WHERE w.article = a.rowid)
             ORDER BY a.rowid LIMIT ?2",
        )
        .bind(after)
        .bind(BACKFILL_PAGE)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let Some((last, _, _)) = page.last() else { break };
        after = *last;
        let mut ranks = Ranks::default();
        for (rowid, title, body) in page {
            ranks.add(rowid, None, Some(&Weights::of(&title, &body)));
        }
        ranks.write(&mut tx).await?;
        tx.commit().await.map_err(backend)?;
    }
    super::mark_backfilled(pool, "kb_rank_backfill").await
}

/// Adds `counts` to each word's count in `table`, returning each word's new total.
async fn add_counts(
    tx: &mut Tx,
    table: Counted,
    counts: &BTreeMap<&str, i64>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let (table, key, count) = table.names();
    let counts: Vec<(&str, i64)> = counts.iter().map(|(w, n)| (*w, *n)).collect();
    let mut totals = Vec::with_capacity(counts.len());
    for chunk in counts.chunks(ROWS_PER_STATEMENT) {
        let mut upsert = QueryBuilder::<Sqlite>::new(format!("INSERT INTO {table} ({key}, {count}) "));
        upsert.push_values(chunk, |mut row, (word, n)| {
            row.push_bind(*word).push_bind(*n);
        });
        upsert.push(format!(
            " ON CONFLICT ({key}) DO UPDATE SET {count} = {count} + excluded.{count} RETURNING {key}, {count}"
        ));
        totals.extend(upsert.build_query_as::<(String, i64)>().fetch_all(&mut **tx).await.map_err(backend)?);
    }
    Ok(totals)
}

/// Adds the commit's uses of each word; the words new to the vocabulary also get their
/// deletion keys.
async fn write_vocabulary(tx: &mut Tx, uses: BTreeMap<&str, i64>) -> Result<(), StoreError> {
    let counted = add_counts(tx, Counted::Words, &uses).await?;
    let new_words: Vec<String> =
        counted.into_iter().filter(|(w, total)| uses.get(w.as_str()) == Some(total)).map(|(w, _)| w).collect();
    let keys = known_word_keys(new_words.iter().map(String::as_str));
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO kb_word_keys (key, word) ");
        insert.push_values(chunk, |mut row, (key, word)| {
            row.push_bind(key.as_str()).push_bind(*word);
        });
        insert.push(" ON CONFLICT DO NOTHING");
        insert.build().execute(&mut **tx).await.map_err(backend)?;
    }
    Ok(())
}

impl KbStore for SqliteStore {
    async fn term_counts(&self, terms: &[String]) -> Result<TermCounts, StoreError> {
        let mut asked = vec![""];
        asked.extend(terms.iter().map(String::as_str));
        let found: Vec<(String, i64)> =
            sqlx::query_as("SELECT term, docs FROM kb_terms WHERE term IN (SELECT value FROM json_each(?1))")
                .bind(json_list(&asked))
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        Ok(crate::sql::kb::term_counts(terms, &found))
    }

    async fn terms_starting(&self, prefix: &str, max: usize) -> Result<Vec<(String, u64)>, StoreError> {
        let found: Vec<(String, i64)> = sqlx::query_as(
            "SELECT term, docs FROM kb_terms WHERE term >= ?1 AND term < ?1 || char(1114111) AND docs > 0
             ORDER BY docs DESC, term LIMIT ?2",
        )
        .bind(prefix)
        .bind(rows::to_i64(max as u64))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|(term, docs)| (term, rows::to_u64(docs))).collect())
    }

    async fn ranked_lists(&self, reads: &[ListRead]) -> Result<Vec<Vec<Posting>>, StoreError> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        let mut lists = Vec::with_capacity(reads.len());
        for read in reads {
            // Equal impacts in the order of the articles' rows, the last read's row found by
            // its id.
            let query = match read.after {
                None => sqlx::query_as(
                    "SELECT a.id, p.impact FROM kb_postings p JOIN kb_articles a ON a.rowid = p.article
                     WHERE p.term = ?1 ORDER BY p.impact DESC, p.article DESC LIMIT ?2",
                )
                .bind(&read.term)
                .bind(i64::from(read.limit)),
                Some(after) => sqlx::query_as(
                    "SELECT a.id, p.impact FROM kb_postings p JOIN kb_articles a ON a.rowid = p.article
                     WHERE p.term = ?1 AND (p.impact, p.article) < (?3, (SELECT rowid FROM kb_articles WHERE id = ?4))
                     ORDER BY p.impact DESC, p.article DESC LIMIT ?2",
                )
                .bind(&read.term)
                .bind(i64::from(read.limit))
                .bind(i64::from(after.impact))
                .bind(after.article.as_uuid()),
            };
            let found: Vec<(uuid::Uuid, i64)> = query.fetch_all(&mut *conn).await.map_err(backend)?;
            lists.push(crate::sql::kb::postings(found));
        }
        Ok(lists)
    }

    async fn matching(&self, search: &ArticleSearch, among: &[ArticleId]) -> Result<Vec<ArticleId>, StoreError> {
        // The candidates first (CROSS JOIN keeps the order), each looked up in the index.
        let select = "SELECT a.id FROM kb_articles a CROSS JOIN kb_fts ON kb_fts.rowid = a.rowid WHERE a.id IN (";
        let found: Vec<(uuid::Uuid,)> = self
            .for_ids(select, among, |query| {
                query.push(" AND kb_fts MATCH ");
                push_filters(query, search);
            })
            .await?;
        Ok(found.into_iter().map(|(id,)| ArticleId::from_uuid(id)).collect())
    }

    /// FTS5 holds word positions: its candidates are the matches.
    async fn matches(&self, search: &ArticleSearch, limit: usize, set: MatchSet) -> Result<Vec<ArticleId>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT a.id FROM kb_fts JOIN kb_articles a ON a.rowid = kb_fts.rowid WHERE kb_fts MATCH ",
        );
        push_filters(&mut query, search);
        if set == MatchSet::ById {
            query.push(" ORDER BY a.id");
        }
        query.push(" LIMIT ").push_bind(rows::to_i64(limit as u64));
        let found: Vec<uuid::Uuid> = query.build_query_scalar().fetch_all(&self.reader).await.map_err(backend)?;
        Ok(found.into_iter().map(ArticleId::from_uuid).collect())
    }

    fn candidates_match(&self) -> bool {
        true
    }

    async fn article_weights(&self, articles: &[ArticleId]) -> Result<Vec<(ArticleId, String)>, StoreError> {
        let select =
            "SELECT a.id, w.weights FROM kb_articles a JOIN kb_weights w ON w.article = a.rowid WHERE a.id IN (";
        let found: Vec<(uuid::Uuid, String)> = self.for_ids(select, articles, |_| {}).await?;
        Ok(found.into_iter().map(|(id, weights)| (ArticleId::from_uuid(id), weights)).collect())
    }

    /// Snippets cut by sysops from the body's lead, as on every backend.
    async fn article_hits(&self, query: &SearchQuery, articles: &[ArticleId]) -> Result<Vec<ArticleHit>, StoreError> {
        let select = "SELECT id, revision, title, lead FROM kb_articles WHERE retired = 0 AND id IN (";
        let found: Vec<rows::HitRow> = self.for_ids(select, articles, |_| {}).await?;
        Ok(found.into_iter().map(|row| rows::article_hit(query, row)).collect())
    }

    async fn similar_words(&self, keys: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        let found: Vec<(String, i64)> = sqlx::query_as(
            "SELECT DISTINCT w.word, w.uses FROM kb_word_keys k JOIN kb_words w ON w.word = k.word
             WHERE k.key IN (SELECT value FROM json_each(?1))",
        )
        .bind(json_list(keys))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|(word, uses)| (word, rows::to_u64(uses))).collect())
    }

    /// Merges the FTS5 index's segments (a bulk import leaves many), so a query reads one.
    async fn articles_imported(&self) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO kb_fts (kb_fts) VALUES ('optimize')")
            .execute(&self.writer)
            .await
            .map(drop)
            .map_err(backend)
    }

    async fn article_versions(
        &self,
        categories: &BTreeSet<ProductCategory>,
    ) -> Result<Vec<(ArticleId, Sequence)>, StoreError> {
        if categories.len() == ProductCategory::ALL.len() {
            // Every article (each has a category): a phone's whole copy, without the join.
            let found: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
                "SELECT a.id, s.version FROM kb_articles a JOIN states s ON s.kind = 'article' AND s.id = a.id",
            )
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
            return Ok(crate::sql::kb::versions(found));
        }
        let categories: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        let found: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
            "SELECT DISTINCT a.id, s.version FROM kb_article_categories c
             JOIN kb_articles a ON a.rowid = c.article
             JOIN states s ON s.kind = 'article' AND s.id = a.id
             WHERE c.category IN (SELECT value FROM json_each(?1))",
        )
        .bind(json_list(&categories))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        Ok(crate::sql::kb::versions(found))
    }

    async fn times_solved(&self, articles: &[ArticleId]) -> Result<Vec<u64>, StoreError> {
        if articles.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, binds) = crate::sql::kb::times_solved_query(articles, rows::Placeholders::Sqlite);
        let found: Vec<(uuid::Uuid, i64)> = rows::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), binds)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        Ok(crate::sql::kb::in_order(articles, &found))
    }
}

impl SqliteStore {
    /// The rows of `select` (ending in `IN (`) for `ids`, a statement per thousand, each
    /// statement's list closed and `rest` appended.
    async fn for_ids<T>(
        &self,
        select: &str,
        ids: &[ArticleId],
        rest: impl Fn(&mut QueryBuilder<Sqlite>),
    ) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
    {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(select);
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(id.as_uuid());
            }
            query.push(")");
            rest(&mut query);
            found.extend(query.build_query_as::<T>().fetch_all(&self.reader).await.map_err(backend)?);
        }
        Ok(found)
    }
}

/// The search's engine query, then its filters: a category among those asked (if any) and
/// every tag asked.
fn push_filters(query: &mut QueryBuilder<Sqlite>, search: &ArticleSearch) {
    let categories: Vec<&str> = search.categories.iter().map(|c| c.as_str()).collect();
    let tags: Vec<&str> = search.tags.iter().map(|t| t.as_str()).collect();
    query.push_bind(search.query.to_fts5());
    query.push(" AND (").push_bind(json_list(&categories)).push(" = '[]' OR EXISTS (SELECT 1 FROM kb_article_categories c WHERE c.article = a.rowid AND c.category IN (SELECT value FROM json_each(");
    query.push_bind(json_list(&categories)).push("))))");
    query.push(" AND (SELECT count(*) FROM kb_article_tags t WHERE t.article = a.rowid AND t.tag IN (SELECT value FROM json_each(");
    query.push_bind(json_list(&tags)).push("))) = ").push_bind(rows::to_i64(tags.len() as u64));
}

/// A JSON array of strings, for `json_each`: one bound parameter however long the list.
fn json_list<S: AsRef<str>>(items: &[S]) -> String {
    serde_json::to_string(&items.iter().map(AsRef::as_ref).collect::<Vec<&str>>()).unwrap_or_else(|_| "[]".into())
}
