//! The knowledge base on PostgreSQL (one node or Citus): each article's current revision in
//! `kb_articles` with its weighted `tsvector`, ranked by `ts_rank` over the title and the body's
//! first 4,000 characters (titles ten times the body), snippets by `ts_headline` on the page's
//! hits only, and the vocabulary the typo fallback corrects against.

use super::{PgStore, Tx, shard};
use crate::error::backend;
use crate::rows;
use std::collections::BTreeSet;
use sysops_core::kb::{ArticleHit, ArticleIndex, ArticleSearch, KbStore, SnippetPart, known_word_keys};
use sysops_core::store::Change;
use sysops_core::{ArticleId, ProductCategory, Sequence, StoreError};

/// The commit's article rows, then its vocabulary in one statement.
pub(super) async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    let articles: Vec<(&Change, &ArticleIndex)> =
        changes.iter().filter_map(|c| c.index.get::<ArticleIndex>().map(|i| (c, i))).collect();
    for (change, index) in &articles {
        write_article(tx, change, index).await?;
    }
    write_vocabulary(tx, rows::vocabulary(articles.iter().map(|(_, i)| *i))).await
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

/// Adds the commit's uses of each word; the words new to the vocabulary also get their
/// deletion keys. The rows are written in word order, so two commits sharing words lock them
/// in the same order and never wait on each other in a cycle.
async fn write_vocabulary(tx: &mut Tx, uses: std::collections::BTreeMap<&str, i64>) -> Result<(), StoreError> {
    if uses.is_empty() {
        return Ok(());
    }
    let words: Vec<&str> = uses.keys().copied().collect();
    let counted: Vec<(String, i64)> = sqlx::query_as(
        "INSERT INTO kb_words (shard, word, uses)
         SELECT shard, word, uses FROM UNNEST($1::int[], $2::text[], $3::bigint[]) WITH ORDINALITY AS w (shard, word, uses, n)
         ORDER BY n
         ON CONFLICT (word, shard) DO UPDATE SET uses = kb_words.uses + excluded.uses
         RETURNING word, uses",
    )
    .bind(rows::column(&words, |w| word_shard(w)))
    .bind(&words)
    .bind(uses.values().copied().collect::<Vec<i64>>())
    .fetch_all(&mut **tx)
    .await
    .map_err(backend)?;
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

/// The shard a vocabulary word's rows live on: 16 bits of its FNV-1a hash, stable across
/// versions and machines (the rows of a word must be found where they were written).
fn word_shard(word: &str) -> i32 {
    let hash = word.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    i32::from((hash & 0xffff) as u16)
}

impl KbStore for PgStore {
    async fn search_articles(&self, search: &ArticleSearch) -> Result<Vec<ArticleHit>, StoreError> {
        let categories: Vec<&str> = search.categories.iter().map(|c| c.as_str()).collect();
        let tags: Vec<&str> = search.tags.iter().map(|t| t.as_str()).collect();
        let highlight = format!(
            "StartSel={}, StopSel={}, MaxWords=24, MinWords=8, MaxFragments=1",
            SnippetPart::START,
            SnippetPart::END
        );
        // English stop words leave a query: one left with only exclusions (`how to -windows`)
        // would match nearly every article, so it matches none (`querytree` is then 'T').
        // A headline re-reads the text it is cut from: made for the page's hits only, after the
        // limit, from the body's first 4,000 characters (as on SQLite).
        let found: Vec<rows::HitRow> = sqlx::query_as(
            "SELECT id, revision::bigint, title, ts_headline('english', left(body, 4000), to_tsquery('english', $1), $6)
             FROM (SELECT a.id, a.revision, a.title, a.body,
                          ts_rank('{0.1, 0.1, 0.1, 1.0}', a.ranked, to_tsquery('english', $1)) AS rank
                   FROM kb_articles a
                   WHERE NOT a.retired AND a.search @@ to_tsquery('english', $1)
                     AND querytree(to_tsquery('english', $1)) <> 'T'
                     AND (cardinality($2::text[]) = 0 OR a.categories && $2::text[])
                     AND a.tags @> $3::text[]
                   ORDER BY rank DESC, a.id
                   LIMIT $4 OFFSET $5) hits
             ORDER BY rank DESC, id",
        )
        .bind(search.query.to_tsquery())
        .bind(&categories)
        .bind(&tags)
        .bind(i64::from(search.limit))
        .bind(i64::from(search.offset))
        .bind(highlight)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(rows::article_hit).collect())
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
        sqlx::query("ANALYZE kb_articles, kb_words, kb_word_keys").execute(&self.pool).await.map(drop).map_err(backend)
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
