//! What both SQL backends share: query text, row conversion and small checks.

use crate::error::OpenError;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use sysops_core::store::{ConsumerName, ExpertQuery, OutboxEntry, Page, StoredEvent, StoredState, TicketFilter};
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

pub(crate) fn state(stream: StreamId, version: i64, json: String) -> Result<StoredState, sqlx::Error> {
    Ok(StoredState { stream, version: Sequence(to_u64(version)), json })
}

pub(crate) fn event(
    stream: StreamId,
    seq: i64,
    at: DateTime<Utc>,
    name: String,
    json: String,
) -> Result<StoredEvent, sqlx::Error> {
    Ok(StoredEvent { stream, sequence: Sequence(to_u64(seq)), at, name, json })
}

pub(crate) fn outbox_entry(
    position: i64,
    kind: String,
    id: Uuid,
    seq: i64,
    at: DateTime<Utc>,
    name: String,
    json: String,
) -> Result<OutboxEntry, sqlx::Error> {
    let kind = AggregateKind::parse(&kind)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown aggregate kind {kind:?} in the outbox").into()))?;
    Ok(OutboxEntry { position: to_u64(position), event: event(StreamId::new(kind, id), seq, at, name, json)? })
}

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
/// and state from `tickets t`). Binds: status, customer, expert, after, limit (those present).
pub(crate) fn ticket_query(head: &str, filter: &TicketFilter, page: &Page, style: Placeholders) -> String {
    let mut sql = Sql::new(head, style);
    if filter.status.is_some() {
        sql.push(" AND t.status = #");
    }
    if filter.customer.is_some() {
        sql.push(" AND t.customer = #");
    }
    if filter.expert.is_some() {
        sql.push(" AND t.expert = #");
    }
    if page.after.is_some() {
        sql.push(" AND t.id > #");
    }
    sql.push(" ORDER BY t.id LIMIT #");
    sql.text
}

/// Experts by the query's fields, keyset-paged by id. Binds: category, min level, latitude twice, after, limit.
///
/// The service area is prefiltered by a latitude band wide enough for the largest
/// radius; [`ExpertRow::serves`] then applies the exact great-circle test.
pub(crate) fn expert_query(query: &ExpertQuery, page: &Page, style: Placeholders) -> String {
    let mut sql = Sql::new(
        "SELECT e.id, s.version, s.json, e.lat, e.lon, e.radius_km FROM experts e \
         JOIN states s ON s.kind = 'expert' AND s.id = e.id WHERE TRUE",
        style,
    );
    if query.active_only {
        sql.push(" AND e.active = TRUE");
    }
    if query.category.is_some() {
        sql.push(" AND EXISTS (SELECT 1 FROM expert_skills k WHERE k.expert = e.id AND k.category = #");
        if query.min_level.is_some() {
            sql.push(" AND k.level >= #");
        }
        sql.push(")");
    }
    if query.serving.is_some() {
        let band = format!(" AND e.lat BETWEEN # - {MAX_RADIUS_DEGREES} AND # + {MAX_RADIUS_DEGREES}");
        sql.push(&band);
    }
    if page.after.is_some() {
        sql.push(" AND e.id > #");
    }
    sql.push(" ORDER BY e.id LIMIT #");
    sql.text
}

/// An expert row with the columns the exact service-area test needs.
pub(crate) struct ExpertRow {
    pub(crate) id: Uuid,
    pub(crate) version: i64,
    pub(crate) json: String,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
    pub(crate) radius_km: i64,
}

impl ExpertRow {
    pub(crate) fn serves(&self, point: Option<GeoPoint>) -> bool {
        let Some(point) = point else { return true };
        GeoPoint::new(self.lat, self.lon).is_ok_and(|base| base.distance_km(&point) <= self.radius_km as f64)
    }

    pub(crate) fn into_state(self) -> StoredState {
        StoredState {
            stream: StreamId::new(AggregateKind::Expert, self.id),
            version: Sequence(to_u64(self.version)),
            json: self.json,
        }
    }
}
