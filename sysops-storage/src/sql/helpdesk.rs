//! The helpdesk search queries, in either backend's placeholder style, ranked as
//! `HelpdeskStore` documents.
//!
//! Both are built around `m`, the customers a key matches with their rank: the join of `m`
//! with `customer_keys` (a customer search) or `tickets` (a ticket search) names the shard
//! key on PostgreSQL, so Citus runs each shard's part on that shard.

use crate::rows::{Bind, Placeholders, Sql, to_i64};
use sysops_core::helpdesk::{CustomerLookup, LookupKey, PhoneKey, TicketLookup, Window};
use sysops_core::{Aggregate, Customer, CustomerIndex, ShardKey};

/// Customers matching the lookup, best first, with the values to bind.
pub(crate) fn customers_query(lookup: &CustomerLookup, style: Placeholders) -> (String, Vec<Bind>) {
    let mut sql = Sql::new("SELECT k.customer, s.version, s.json FROM (", style);
    let mut binds = Vec::new();
    matches(&lookup.key, &mut sql, &mut binds);
    let join = outer_first(style);
    sql.push(&format!(
        ") m {join} customer_keys k ON {}k.customer = m.customer
         {join} states s ON {}s.kind = 'customer' AND s.id = k.customer
         ORDER BY m.rank DESC, k.name_key, k.customer",
        style.same_shard("k", "m"),
        style.same_shard("s", "k"),
    ));
    window(&mut sql, &mut binds, lookup.window);
    (sql.text, binds)
}

/// Tickets matching the lookup, best first and then newest first, with the values to bind.
pub(crate) fn tickets_query(lookup: &TicketLookup, style: Placeholders) -> (String, Vec<Bind>) {
    let mut sql = Sql::new("SELECT t.id, s.version, s.json FROM ", style);
    let mut binds = Vec::new();
    let customer_key =
        lookup.key.as_ref().filter(|k| !matches!(k, LookupKey::TicketId(_) | LookupKey::TicketNumber(_)));
    let join = outer_first(style);
    match customer_key {
        Some(key) => {
            sql.push("(");
            matches(key, &mut sql, &mut binds);
            sql.push(&format!(") m {join} tickets t ON {}t.customer = m.customer", style.same_shard("t", "m")));
        }
        None => {
            sql.push("tickets t");
        }
    }
    sql.push(&format!(
        " {join} states s ON {}s.kind = 'ticket' AND s.id = t.id WHERE TRUE",
        style.same_shard("s", "t")
    ));
    match &lookup.key {
        Some(LookupKey::TicketId(id)) => {
            sql.push(" AND t.id = #");
            binds.push(Bind::Id(id.as_uuid()));
            shard_of(&mut sql, &mut binds, "t", id.as_uuid(), style);
        }
        Some(LookupKey::TicketNumber(number)) => {
            sql.push(&format!(
                " AND {} IN (SELECT n.ticket{} FROM ticket_numbers n WHERE n.number = #)",
                keyed(style, "t.id", "t"),
                shard_of_row(style, "n")
            ));
            binds.push(Bind::Int(to_i64(number.get())));
        }
        _ => {}
    }
    if let Some(status) = lookup.status {
        sql.push(" AND t.status = #");
        binds.push(Bind::Text(status.as_str()));
    }
    if let Some(from) = lookup.from {
        sql.push(" AND t.submitted_at >= #");
        binds.push(Bind::Time(from));
    }
    if let Some(to) = lookup.to {
        sql.push(" AND t.submitted_at < #");
        binds.push(Bind::Time(to));
    }
    sql.push(if customer_key.is_some() { " ORDER BY m.rank DESC, t.id DESC" } else { " ORDER BY t.id DESC" });
    window(&mut sql, &mut binds, lookup.window);
    (sql.text, binds)
}

/// The subquery `(customer[, shard], rank)` of the customers `key` matches.
fn matches(key: &LookupKey, sql: &mut Sql, binds: &mut Vec<Bind>) {
    let style = sql.style();
    let shard = |alias: &str| shard_of_row(style, alias);
    match key {
        LookupKey::TicketId(id) => {
            sql.push(&format!("SELECT t0.customer{}, 0 AS rank FROM tickets t0 WHERE t0.id = #", shard("t0")));
            binds.push(Bind::Id(id.as_uuid()));
            shard_of(sql, binds, "t0", id.as_uuid(), style);
        }
        LookupKey::TicketNumber(number) => {
            sql.push(&format!(
                "SELECT DISTINCT t0.customer{}, 0 AS rank FROM ticket_numbers n
                 JOIN tickets t0 ON {}t0.id = n.ticket WHERE n.number = #",
                shard("t0"),
                style.same_shard("t0", "n"),
            ));
            binds.push(Bind::Int(to_i64(number.get())));
        }
        LookupKey::Email(email) => {
            sql.push(&format!(
                "SELECT c0.customer{}, 0 AS rank FROM customer_keys c0 WHERE c0.email_key = #",
                shard("c0")
            ));
            binds.push(Bind::String(email.clone()));
        }
        LookupKey::Phone(PhoneKey { digits, international }) => {
            // Every number is found by its indexed seven-digit tail, then narrowed: to the
            // whole number when the country code was given, else to the numbers ending with
            // every digit typed.
            let tail = |n: usize| match style {
                Placeholders::Sqlite => format!("substr(c0.phone, -{n})"),
                Placeholders::Postgres | Placeholders::Citus => format!("right(c0.phone, {n})"),
            };
            let whole = format!("+{digits}");
            let last_seven = digits.get(digits.len().saturating_sub(7)..).unwrap_or(digits);
            sql.push(&format!("SELECT c0.customer{}, CASE WHEN c0.phone = # THEN 1 ELSE 0 END AS rank", shard("c0")));
            binds.push(Bind::String(whole.clone()));
            sql.push(&format!(" FROM customer_keys c0 WHERE {} = #", tail(7)));
            binds.push(Bind::String(last_seven.to_owned()));
            if *international {
                sql.push(" AND c0.phone = #");
                binds.push(Bind::String(whole));
            } else {
                sql.push(&format!(" AND {} = #", tail(digits.len())));
                binds.push(Bind::String(digits.clone()));
            }
        }
        LookupKey::Name(words) => {
            // A customer matches when each typed word starts one of their name's words. The
            // longest typed word (usually the rarest) drives: its range of the words' key,
            // each candidate then checked for the other words by its own words. The rank
            // counts the name's words typed whole.
            let range = |sql: &mut Sql, binds: &mut Vec<Bind>, alias: &str, word: &str| {
                sql.push(&format!("{alias}.word >= # AND {alias}.word < #"));
                binds.push(Bind::String(word.to_owned()));
                binds.push(Bind::String(format!("{word}\u{10FFFF}")));
            };
            let mut typed: Vec<&String> = words.iter().collect();
            typed.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            sql.push(&format!("SELECT DISTINCT w.customer{}, (SELECT count(*) FROM customer_words e", shard("w")));
            sql.push(&format!(" WHERE {}e.customer = w.customer AND e.word IN (", style.same_shard("e", "w")));
            for (i, word) in words.iter().enumerate() {
                sql.push(if i == 0 { "#" } else { ", #" });
                binds.push(Bind::String(word.clone()));
            }
            sql.push(")) AS rank FROM customer_words w WHERE ");
            let (first, others) = typed.split_first().map_or((None, &[][..]), |(f, o)| (Some(*f), o));
            if let Some(first) = first {
                range(sql, binds, "w", first);
            }
            for word in others {
                sql.push(" AND EXISTS (SELECT 1 FROM customer_words o WHERE ");
                sql.push(&format!("{}o.customer = w.customer AND ", style.same_shard("o", "w")));
                range(sql, binds, "o", word);
                sql.push(")");
            }
        }
    }
}

/// The join that keeps its left side outermost. SQLite's planner, without statistics, would
/// rather walk every customer's state than trust the phone-tail index; its `CROSS JOIN` keeps
/// the written order (the few matches first). PostgreSQL plans with statistics.
fn outer_first(style: Placeholders) -> &'static str {
    if style == Placeholders::Sqlite { "CROSS JOIN" } else { "JOIN" }
}

/// `, {alias}.shard` where rows carry shard keys.
fn shard_of_row(style: Placeholders, alias: &str) -> String {
    if style == Placeholders::Sqlite { String::new() } else { format!(", {alias}.shard") }
}

/// `column`, or `(column, {alias}.shard)` where rows carry shard keys: the left side of an
/// `IN` whose subquery selects the shard key too.
fn keyed(style: Placeholders, column: &str, alias: &str) -> String {
    if style == Placeholders::Sqlite { column.to_owned() } else { format!("({column}, {alias}.shard)") }
}

/// The search keys of a stored customer state, as its aggregate indexes it (the backfill's).
pub(crate) fn customer_index(json: &str) -> Option<CustomerIndex> {
    let customer: Customer = serde_json::from_str(json).ok()?;
    customer.index().get::<CustomerIndex>().cloned()
}

/// On Citus, the shard condition that routes a statement about one ticket to its shard.
fn shard_of(sql: &mut Sql, binds: &mut Vec<Bind>, alias: &str, id: uuid::Uuid, style: Placeholders) {
    if style == Placeholders::Citus {
        sql.push(&format!(" AND {alias}.shard = #"));
        binds.push(Bind::Shard(i32::from(ShardKey::of(id).get())));
    }
}

/// The page: one row more than the limit, so the caller knows whether another follows.
fn window(sql: &mut Sql, binds: &mut Vec<Bind>, window: Window) {
    sql.push(" LIMIT # OFFSET #");
    binds.push(Bind::Int(i64::from(window.limit) + 1));
    binds.push(Bind::Int(i64::from(window.offset)));
}
