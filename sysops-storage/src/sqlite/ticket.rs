//! Tickets on SQLite: the `tickets` index rows and the ticket listing.

use super::{SqliteStore, Tx, ViewRow};
use crate::error::backend;
use crate::rows::{self, Bind};
use crate::sql;
use sqlx::AssertSqlSafe;
use sysops_core::store::{Change, Page, StoredEvent, StoredState, TicketFilter, TicketIndex, TicketStore};
use sysops_core::{AggregateKind, Sequence, StoreError};

/// The index row's columns after the id, in the order both writes below take them.
fn binds(index: &TicketIndex) -> Vec<Bind> {
    vec![
        Bind::Id(index.customer.as_uuid()),
        Bind::Text(index.status.as_str()),
        Bind::MaybeId(index.expert.map(|e| e.as_uuid())),
        Bind::Int(index.priority as i64),
        Bind::Text(index.category.as_str()),
        Bind::Time(index.submitted_at),
    ]
}

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<TicketIndex>() else { return Ok(()) };
    let query = sqlx::query(
        "INSERT INTO tickets (id, customer, status, expert, priority, category, submitted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, expert = excluded.expert",
    )
    .bind(change.stream().id);
    rows::bind_all!(query, binds(index)).execute(&mut **tx).await.map_err(backend)?;
    if change.expected == Sequence::NONE {
        let query = sqlx::query("INSERT INTO ticket_numbers (number, ticket) VALUES (?1, ?2)");
        let number = rows::to_i64(index.number.get());
        query.bind(number).bind(change.stream().id).execute(&mut **tx).await.map_err(backend)?;
    }
    if sql::ticket::records_solution(change) {
        let ticket = change.stream().id;
        sqlx::query("DELETE FROM ticket_solutions WHERE ticket = ?1")
            .bind(ticket)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        for article in &index.solved_by {
            sqlx::query("INSERT INTO ticket_solutions (article, ticket) VALUES (?1, ?2)")
                .bind(article.as_uuid())
                .bind(ticket)
                .execute(&mut **tx)
                .await
                .map_err(backend)?;
        }
    }
    Ok(())
}

/// A ticket change of one event with its index row as one row of the `ticket_writes` view (of
/// the ticket migration); `None` when the change is not a ticket's, or records its solution.
pub(super) fn view_row(change: &Change, event: &StoredEvent) -> Option<ViewRow> {
    let index = change.index.get::<TicketIndex>().filter(|_| !sql::ticket::records_solution(change))?;
    let mut values = vec![Bind::Id(change.stream().id)];
    values.extend(ViewRow::event_part(change, event));
    values.extend(binds(index));
    values.push(Bind::Int(rows::to_i64(index.number.get())));
    Some(ViewRow {
        view: "ticket_writes",
        columns: "id, expected, version, state, seq, at, name, event, customer, status, expert, priority, \
                  category, submitted_at, number",
        values,
    })
}

impl TicketStore for SqliteStore {
    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::ticket::ticket_query(
            "SELECT t.id, s.version, s.json FROM tickets t JOIN states s ON s.kind = 'ticket' AND s.id = t.id WHERE TRUE",
            &filter,
            &page,
            rows::Placeholders::Sqlite,
        );
        self.listed(sql, binds, AggregateKind::Ticket).await
    }

    async fn count_tickets(&self, filter: TicketFilter) -> Result<u64, StoreError> {
        let (sql, binds) = sql::ticket::count_query(&filter, rows::Placeholders::Sqlite);
        let count: i64 = rows::bind_all!(sqlx::query_scalar(AssertSqlSafe(sql)), binds)
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        Ok(rows::to_u64(count))
    }
}
