//! Query text both SQL backends share, one file per domain.

pub(crate) mod assignment;
pub(crate) mod billing;
pub(crate) mod expert;
pub(crate) mod helpdesk;
pub(crate) mod kb;
pub(crate) mod notify;
pub(crate) mod report;
pub(crate) mod ticket;

use crate::rows::{Bind, Placeholders, Sql, to_i64};
use sysops_core::AggregateKind;
use sysops_core::store::Page;

/// Ends a listing with keyset paging on `column`: the rows after the page's `after` id, in id
/// order, at most the page's length. The condition is there only when there is an `after`:
/// through `(# IS NULL OR id > #)` no plan (SQLite's, or a generic PostgreSQL one) can seek the
/// key, and every page would scan from the first row.
pub(crate) fn paged(mut sql: Sql, mut binds: Vec<Bind>, column: &str, page: &Page) -> (String, Vec<Bind>) {
    if let Some(after) = page.after {
        sql.push(&format!(" AND {column} > #"));
        binds.push(Bind::Id(after));
    }
    sql.push(&format!(" ORDER BY {column} LIMIT #"));
    binds.push(Bind::Int(to_i64(page.len() as u64)));
    (sql.text, binds)
}

/// The event store's walk of a kind's stored states, in id order (`EventStore::states`).
pub(crate) fn states_query(kind: AggregateKind, page: &Page, style: Placeholders) -> (String, Vec<Bind>) {
    let mut sql = Sql::new("SELECT id, version, json FROM states WHERE kind = ", style);
    sql.push("#");
    paged(sql, vec![Bind::Text(kind.as_str())], "id", page)
}
