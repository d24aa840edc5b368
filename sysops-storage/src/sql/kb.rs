//! Knowledge-base query text and rows both backends share: how often articles solved
//! tickets, and the articles' versions an offline copy compares.

use crate::rows::{Bind, Placeholders, Sql, to_u64};
use sysops_core::{ArticleId, Sequence};
use uuid::Uuid;

/// How many solution rows name each of `articles` (those with none are absent), with the
/// values to bind.
pub(crate) fn times_solved_query(articles: &[ArticleId], style: Placeholders) -> (String, Vec<Bind>) {
    let mut sql = Sql::new("SELECT article, count(*) FROM ticket_solutions WHERE article IN (", style);
    for (i, _) in articles.iter().enumerate() {
        sql.push(if i == 0 { "#" } else { ", #" });
    }
    sql.push(") GROUP BY article");
    (sql.text, articles.iter().map(|a| Bind::Id(a.as_uuid())).collect())
}

/// Article version rows as ids and sequences.
pub(crate) fn versions(found: Vec<(Uuid, i64)>) -> Vec<(ArticleId, Sequence)> {
    found.into_iter().map(|(id, version)| (ArticleId::from_uuid(id), Sequence(to_u64(version)))).collect()
}

/// The counts of `found` for `articles`, in their order (0 where absent).
pub(crate) fn in_order(articles: &[ArticleId], found: &[(Uuid, i64)]) -> Vec<u64> {
    let count = |a: &ArticleId| found.iter().find(|(id, _)| *id == a.as_uuid()).map_or(0, |(_, n)| (*n).max(0) as u64);
    articles.iter().map(count).collect()
}
