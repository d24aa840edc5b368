//! The ticket listing query, in either backend's placeholder style.

use crate::rows::{Bind, Placeholders, Sql};
use sysops_core::ShardKey;
use sysops_core::TicketEvent;
use sysops_core::store::{Change, Page, TicketFilter};

/// Tickets by the filter's fields, keyset-paged by id, after `head` (which selects id, version
/// and state from `tickets t`), with the values to bind.
pub(crate) fn ticket_query(head: &str, filter: &TicketFilter, page: &Page, style: Placeholders) -> (String, Vec<Bind>) {
    let (sql, binds) = filtered(head, filter, style);
    super::paged(sql, binds, "t.id", page)
}

/// How many tickets match the filter's fields, with the values to bind.
pub(crate) fn count_query(filter: &TicketFilter, style: Placeholders) -> (String, Vec<Bind>) {
    let (sql, binds) = filtered("SELECT count(*) FROM tickets t WHERE TRUE", filter, style);
    (sql.text, binds)
}

/// True when `change` records a ticket's solution: its solution rows are rewritten, outside
/// the one-statement hot path.
pub(crate) fn records_solution(change: &Change) -> bool {
    change.events.iter().any(|e| e.name == TicketEvent::SOLUTION_RECORDED)
}

/// `head` and a condition per field the filter gives.
fn filtered(head: &str, filter: &TicketFilter, style: Placeholders) -> (Sql, Vec<Bind>) {
    let mut sql = Sql::new(head, style);
    let mut binds = Vec::new();
    if let Some(status) = filter.status {
        sql.push(" AND t.status = #");
        binds.push(Bind::Text(status.as_str()));
    }
    if let Some(customer) = filter.customer {
        sql.push(" AND t.customer = #");
        binds.push(Bind::Id(customer.as_uuid()));
        if style == Placeholders::Citus {
            // A customer's tickets carry the customer's shard key: one shard holds them all.
            sql.push(" AND t.shard = #");
            binds.push(Bind::Shard(i32::from(ShardKey::of(customer.as_uuid()).get())));
        }
    }
    if let Some(expert) = filter.expert {
        sql.push(" AND t.expert = #");
        binds.push(Bind::Id(expert.as_uuid()));
    }
    (sql, binds)
}
