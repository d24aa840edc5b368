//! The knowledge base on SQLite: each article's current revision in `kb_articles`, searched
//! through FTS5 (`kb_fts`, BM25 with titles weighing ten times the body; snippets cut from the
//! body's first 4,000 characters), and the vocabulary the typo fallback corrects against.

use super::{SqliteStore, Tx};
use crate::error::backend;
use crate::rows;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite};
use std::collections::BTreeSet;
use sysops_core::kb::{ArticleHit, ArticleIndex, ArticleSearch, KbStore, known_word_keys};
use sysops_core::store::Change;
use sysops_core::{ArticleId, ProductCategory, Sequence, StoreError};

/// Rows per multi-row `INSERT` (SQLite allows 32,766 parameters a statement).
const ROWS_PER_STATEMENT: usize = 1_000;

/// The commit's article rows, then its vocabulary.
pub(super) async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    let articles: Vec<(&Change, &ArticleIndex)> =
        changes.iter().filter_map(|c| c.index.get::<ArticleIndex>().map(|i| (c, i))).collect();
    for (change, index) in &articles {
        write_article(tx, change, index).await?;
    }
    write_vocabulary(tx, rows::vocabulary(articles.iter().map(|(_, i)| *i))).await
}

async fn write_article(tx: &mut Tx, change: &Change, index: &ArticleIndex) -> Result<(), StoreError> {
    let id = change.stream().id;
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
    Ok(())
}

/// Adds the commit's uses of each word; the words new to the vocabulary also get their
/// deletion keys.
async fn write_vocabulary(tx: &mut Tx, uses: std::collections::BTreeMap<&str, i64>) -> Result<(), StoreError> {
    let words: Vec<(&str, i64)> = uses.iter().map(|(w, n)| (*w, *n)).collect();
    let mut new_words: Vec<String> = Vec::new();
    for chunk in words.chunks(ROWS_PER_STATEMENT) {
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO kb_words (word, uses) ");
        insert.push_values(chunk, |mut row, (word, n)| {
            row.push_bind(*word).push_bind(*n);
        });
        insert.push(" ON CONFLICT (word) DO UPDATE SET uses = uses + excluded.uses RETURNING word, uses");
        let counted: Vec<(String, i64)> = insert.build_query_as().fetch_all(&mut **tx).await.map_err(backend)?;
        new_words.extend(counted.into_iter().filter(|(w, total)| uses.get(w.as_str()) == Some(total)).map(|(w, _)| w));
    }
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
    async fn search_articles(&self, search: &ArticleSearch) -> Result<Vec<ArticleHit>, StoreError> {
        let categories: Vec<&str> = search.categories.iter().map(|c| c.as_str()).collect();
        let tags: Vec<&str> = search.tags.iter().map(|t| t.as_str()).collect();
        let found: Vec<rows::HitRow> = sqlx::query_as(
            "SELECT a.id, a.revision, a.title, snippet(kb_fts, 1, char(2), char(3), '…', 16)
             FROM kb_fts JOIN kb_articles a ON a.rowid = kb_fts.rowid
             WHERE kb_fts MATCH ?1
               AND (?2 = '[]' OR EXISTS (SELECT 1 FROM kb_article_categories c
                    WHERE c.article = a.rowid AND c.category IN (SELECT value FROM json_each(?2))))
               AND (SELECT count(*) FROM kb_article_tags t
                    WHERE t.article = a.rowid AND t.tag IN (SELECT value FROM json_each(?3))) = ?4
             ORDER BY bm25(kb_fts, 10.0, 1.0, 1.0), a.rowid
             LIMIT ?5 OFFSET ?6",
        )
        .bind(search.query.to_fts5())
        .bind(json_list(&categories))
        .bind(json_list(&tags))
        .bind(rows::to_i64(tags.len() as u64))
        .bind(i64::from(search.limit))
        .bind(i64::from(search.offset))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(rows::article_hit).collect())
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

/// A JSON array of strings, for `json_each`: one bound parameter however long the list.
fn json_list<S: AsRef<str>>(items: &[S]) -> String {
    serde_json::to_string(&items.iter().map(AsRef::as_ref).collect::<Vec<&str>>()).unwrap_or_else(|_| "[]".into())
}
