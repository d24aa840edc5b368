//! The expert search, in either backend's placeholder style.

use crate::rows::{Bind, Placeholders, Sql, state};
use sysops_core::store::{ExpertQuery, Page, StoredState};
use sysops_core::{AggregateKind, GeoPoint, StoreError, StreamId};
use uuid::Uuid;

/// Largest radius an expert may have, in degrees of latitude (1,000 km / 110 km per degree, rounded up).
const MAX_RADIUS_DEGREES: f64 = 9.1;

pub(crate) type ExpertRow = (Uuid, i64, String, f64, f64, i32);

/// Experts by the query's fields, keyset-paged by id, with the values to bind.
///
/// The service area is prefiltered by a latitude band wide enough for the largest
/// radius; [`page_experts`] then applies the exact great-circle test.
pub(crate) fn expert_query(query: &ExpertQuery, page: &Page, style: Placeholders) -> (String, Vec<Bind>) {
    let head = format!(
        "SELECT e.id, s.version, s.json, e.lat, e.lon, e.radius_km FROM experts e \
         JOIN states s ON {}s.kind = 'expert' AND s.id = e.id WHERE TRUE",
        style.same_shard("s", "e")
    );
    let mut sql = Sql::new(&head, style);
    let mut binds = Vec::new();
    if query.active_only {
        sql.push(" AND e.active = TRUE");
    }
    if let Some(category) = query.category {
        let skill = format!(" AND EXISTS (SELECT 1 FROM expert_skills k WHERE {}", style.same_shard("k", "e"));
        sql.push(&skill).push("k.expert = e.id AND k.category = #");
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
