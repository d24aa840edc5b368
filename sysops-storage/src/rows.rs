//! What both SQL backends share: query text, row conversion and small checks.

use crate::error::OpenError;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use sysops_core::store::{
    ConsumerName, ExpertLoad, ExpertQuery, OutboxEntry, Page, StoredEvent, StoredState, TicketFilter,
};
use sysops_core::{AggregateKind, GeoPoint, Sequence, StoreError, StreamId};
use uuid::Uuid;

/// Largest radius an expert may have, in degrees of latitude (1,000 km / 110 km per degree, rounded up).
const MAX_RADIUS_DEGREES: f64 = 9.1;

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A stored state row: version and JSON.
pub(crate) type StateRow = (i64, String);
/// A stored event row: sequence, time, name and JSON.
pub(crate) type EventRow = (i64, DateTime<Utc>, String, String);
/// A listed state row: id, version and JSON.
pub(crate) type ListedRow = (Uuid, i64, String);
/// An outbox row joined with its event: position, kind, id, sequence, time, name and JSON.
pub(crate) type OutboxRow = (i64, String, Uuid, i64, DateTime<Utc>, String, String);
/// An expert row: id, version, JSON, base latitude and longitude, radius in km.
pub(crate) type ExpertRow = (Uuid, i64, String, f64, f64, i32);

pub(crate) fn state((version, json): StateRow, stream: StreamId) -> StoredState {
    StoredState { stream, version: Sequence(to_u64(version)), json }
}

pub(crate) fn event((seq, at, name, json): EventRow, stream: StreamId) -> StoredEvent {
    StoredEvent { stream, sequence: Sequence(to_u64(seq)), at, name, json }
}

pub(crate) fn listed((id, version, json): ListedRow, kind: AggregateKind) -> StoredState {
    state((version, json), StreamId::new(kind, id))
}

pub(crate) fn outbox_entry((position, kind, id, seq, at, name, json): OutboxRow) -> Result<OutboxEntry, StoreError> {
    let kind = AggregateKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
        stream: StreamId::new(AggregateKind::Ticket, id),
        detail: format!("unknown aggregate kind {kind:?} in the outbox"),
    })?;
    let stream = StreamId::new(kind, id);
    Ok(OutboxEntry { position: to_u64(position), event: event((seq, at, name, json), stream) })
}

/// Workload per expert from the tickets index: expert, active tickets, completed tickets.
pub(crate) const LOADS_SQL: &str = "SELECT expert,
        SUM(CASE WHEN status IN ('assigned', 'accepted', 'in_progress') THEN 1 ELSE 0 END),
        SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END)
     FROM tickets WHERE expert IS NOT NULL GROUP BY expert";

pub(crate) fn load((expert, active, recent): (Uuid, i64, i64)) -> ExpertLoad {
    let count = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    ExpertLoad { expert: expert.into(), active: count(active), recent: count(recent) }
}

/// A value to bind to a generated query, in order.
pub(crate) enum Bind {
    Text(&'static str),
    Id(Uuid),
    Int(i64),
    Float(f64),
}

/// Binds `binds` in order to `query`.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                $crate::rows::Bind::Text(v) => query.bind(v),
                $crate::rows::Bind::Id(v) => query.bind(v),
                $crate::rows::Bind::Int(v) => query.bind(v),
                $crate::rows::Bind::Float(v) => query.bind(v),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// Refuses to touch a database migrated by a newer sysops.
pub(crate) fn refuse_newer_schema(migrator: &sqlx::migrate::Migrator, applied: Option<i64>) -> Result<(), OpenError> {
    let supported = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    match applied {
        Some(found) if found > supported => Err(OpenError::SchemaTooNew { found, supported }),
        _ => Ok(()),
    }
}

pub(crate) fn check_ack(consumer: &ConsumerName, position: u64, last: u64) -> Result<(), StoreError> {
    if position > last {
        Err(StoreError::AckBeyondEnd { consumer: consumer.as_str().to_owned(), position, last })
    } else {
        Ok(())
    }
}

/// How a backend numbers bind parameters.
#[derive(Clone, Copy)]
pub(crate) enum Placeholders {
    /// `?1, ?2, ...`
    Sqlite,
    /// `$1, $2, ...`
    Postgres,
}

/// Builds SQL from fixed fragments, numbering parameters in order.
struct Sql {
    text: String,
    next: usize,
    style: Placeholders,
}

impl Sql {
    fn new(head: &str, style: Placeholders) -> Self {
        Self { text: head.to_owned(), next: 1, style }
    }

    /// Appends `fragment`, replacing each `#` with the next parameter.
    fn push(&mut self, fragment: &str) -> &mut Self {
        for c in fragment.chars() {
            if c == '#' {
                let sigil = match self.style {
                    Placeholders::Sqlite => '?',
                    Placeholders::Postgres => '$',
                };
                let _ = write!(self.text, "{sigil}{}", self.next);
                self.next += 1;
            } else {
                self.text.push(c);
            }
        }
        self
    }
}

/// Tickets by the filter's fields, keyset-paged by id, after `head` (which selects id, version
/// and state from `tickets t`), with the values to bind.
pub(crate) fn ticket_query(head: &str, filter: &TicketFilter, page: &Page, style: Placeholders) -> (String, Vec<Bind>) {
    let mut sql = Sql::new(head, style);
    let mut binds = Vec::new();
    if let Some(status) = filter.status {
        sql.push(" AND t.status = #");
        binds.push(Bind::Text(status.as_str()));
    }
    if let Some(customer) = filter.customer {
        sql.push(" AND t.customer = #");
        binds.push(Bind::Id(customer.as_uuid()));
    }
    if let Some(expert) = filter.expert {
        sql.push(" AND t.expert = #");
        binds.push(Bind::Id(expert.as_uuid()));
    }
    if let Some(after) = page.after {
        sql.push(" AND t.id > #");
        binds.push(Bind::Id(after));
    }
    sql.push(" ORDER BY t.id LIMIT #");
    binds.push(Bind::Int(to_i64(page.len() as u64)));
    (sql.text, binds)
}

/// Experts by the query's fields, keyset-paged by id, with the values to bind.
///
/// The service area is prefiltered by a latitude band wide enough for the largest
/// radius; [`page_experts`] then applies the exact great-circle test.
pub(crate) fn expert_query(query: &ExpertQuery, page: &Page, style: Placeholders) -> (String, Vec<Bind>) {
    let mut sql = Sql::new(
        "SELECT e.id, s.version, s.json, e.lat, e.lon, e.radius_km FROM experts e \
         JOIN states s ON s.kind = 'expert' AND s.id = e.id WHERE TRUE",
        style,
    );
    let mut binds = Vec::new();
    if query.active_only {
        sql.push(" AND e.active = TRUE");
    }
    if let Some(category) = query.category {
        sql.push(" AND EXISTS (SELECT 1 FROM expert_skills k WHERE k.expert = e.id AND k.category = #");
        binds.push(Bind::Text(category.as_str()));
        if let Some(level) = query.min_level {
            sql.push(" AND k.level >= #");
            binds.push(Bind::Int(i64::from(level.get())));
        }
        sql.push(")");
    }
    if let Some(point) = query.serving {
        let band = format!(" AND e.lat BETWEEN # - {MAX_RADIUS_DEGREES} AND # + {MAX_RADIUS_DEGREES}");
        sql.push(&band);
        binds.extend([Bind::Float(point.lat()), Bind::Float(point.lat())]);
    }
    if let Some(after) = page.after {
        sql.push(" AND e.id > #");
        binds.push(Bind::Id(after));
    }
    sql.push(" ORDER BY e.id LIMIT #");
    binds.push(Bind::Int(i64::from(page.limit)));
    (sql.text, binds)
}

/// Pages through `fetch`ed expert rows until `page` is full of experts whose service area
/// really contains the query's point (the SQL only prefilters by latitude).
pub(crate) async fn page_experts<F, Fut>(
    query: &ExpertQuery,
    page: Page,
    mut fetch: F,
) -> Result<Vec<StoredState>, StoreError>
where
    F: FnMut(Page) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<ExpertRow>, StoreError>>,
{
    let mut found = Vec::new();
    let mut cursor = page;
    loop {
        let batch = fetch(cursor).await?;
        let exhausted = batch.len() < cursor.len();
        for (id, version, json, lat, lon, radius_km) in batch {
            cursor.after = Some(id);
            let serves = query.serving.is_none_or(|point| {
                GeoPoint::new(lat, lon).is_ok_and(|base| base.distance_km(&point) <= f64::from(radius_km))
            });
            if serves && found.len() < page.len() {
                found.push(state((version, json), StreamId::new(AggregateKind::Expert, id)));
            }
        }
        if exhausted || found.len() >= page.len() || page.is_empty() {
            return Ok(found);
        }
    }
}
