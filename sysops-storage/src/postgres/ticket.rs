//! Tickets on PostgreSQL: the `tickets` index rows and the ticket listing.

use super::{OneStatement, PgStore, Tx, shard};
use crate::error::backend;
use crate::rows::{self, Bind};
use crate::sql;
use sqlx::AssertSqlSafe;
use sysops_core::store::{Change, Page, StoredState, TicketFilter, TicketIndex, TicketStore};
use sysops_core::{AggregateKind, Sequence, StoreError};

fn binds(index: &TicketIndex) -> Vec<Bind> {
    vec![
        Bind::Id(index.customer.as_uuid()),
        Bind::Text(index.status.as_str()),
        Bind::MaybeId(index.expert.map(|e| e.as_uuid())),
        Bind::Small(index.priority as i16),
        Bind::Text(index.category.as_str()),
        Bind::Time(index.submitted_at),
    ]
}

pub(super) fn one_statement(change: &Change) -> Option<OneStatement> {
    let index = change.index.get::<TicketIndex>().filter(|_| !sql::ticket::records_solution(change))?;
    let mut binds = binds(index);
    binds.push(Bind::Int(rows::to_i64(index.number.get())));
    Some(OneStatement { function: "sysops_write_ticket", index: binds })
}

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<TicketIndex>() else { return Ok(()) };
    let query = sqlx::query(
        "INSERT INTO tickets (shard, id, customer, status, expert, priority, category, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (shard, id) DO UPDATE SET status = excluded.status, expert = excluded.expert",
    )
    .bind(shard(change.stream()))
    .bind(change.stream().id);
    rows::bind_all!(query, binds(index)).execute(&mut **tx).await.map_err(backend)?;
    if change.expected == Sequence::NONE {
        let query = sqlx::query("INSERT INTO ticket_numbers (shard, number, ticket) VALUES ($1, $2, $3)")
            .bind(shard(change.stream()));
        let number = rows::to_i64(index.number.get());
        query.bind(number).bind(change.stream().id).execute(&mut **tx).await.map_err(backend)?;
    }
    if sql::ticket::records_solution(change) {
        let (shard, ticket) = (shard(change.stream()), change.stream().id);
        sqlx::query("DELETE FROM ticket_solutions WHERE ticket = $1 AND shard = $2")
            .bind(ticket)
            .bind(shard)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        let articles: Vec<uuid::Uuid> = index.solved_by.iter().map(|a| a.as_uuid()).collect();
        sqlx::query("INSERT INTO ticket_solutions (shard, article, ticket) SELECT $1, a, $2 FROM unnest($3::uuid[]) a")
            .bind(shard)
            .bind(ticket)
            .bind(articles)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

impl TicketStore for PgStore {
    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::ticket::ticket_query(
            "SELECT t.id, s.version, s.json FROM tickets t
             JOIN states s ON s.shard = t.shard AND s.kind = 'ticket' AND s.id = t.id WHERE TRUE",
            &filter,
            &page,
            self.placeholders(),
        );
        self.listed(sql, binds, AggregateKind::Ticket).await
    }

    async fn count_tickets(&self, filter: TicketFilter) -> Result<u64, StoreError> {
        let (sql, binds) = sql::ticket::count_query(&filter, self.placeholders());
        let count: i64 = rows::bind_all!(sqlx::query_scalar(AssertSqlSafe(sql)), binds)
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        Ok(rows::to_u64(count))
    }
}
