//! The invoice listing query, in either backend's placeholder style.

use crate::rows::{Bind, Placeholders, Sql};
use sysops_core::ShardKey;
use sysops_core::store::{InvoiceFilter, Page};

/// Invoices by the filter's fields, keyset-paged by id, after `head` (which selects id,
/// version and state from `invoices i`), with the values to bind.
pub(crate) fn invoice_query(
    head: &str,
    filter: &InvoiceFilter,
    page: &Page,
    style: Placeholders,
) -> (String, Vec<Bind>) {
    let mut sql = Sql::new(head, style);
    let mut binds = Vec::new();
    if let Some(customer) = filter.customer {
        sql.push(" AND i.customer = #");
        binds.push(Bind::Id(customer.as_uuid()));
        if style == Placeholders::Citus {
            // A customer's invoices carry the customer's shard key: one shard holds them all.
            sql.push(" AND i.shard = #");
            binds.push(Bind::Shard(i32::from(ShardKey::of(customer.as_uuid()).get())));
        }
    }
    if let Some(status) = filter.status {
        sql.push(" AND i.status = #");
        binds.push(Bind::Text(status.as_str()));
    }
    if let Some(now) = filter.work_due_by {
        sql.push(" AND (i.pending OR i.next_attempt_at <= #)");
        binds.push(Bind::Time(now));
    }
    super::paged(sql, binds, "i.id", page)
}
