//! Experts on PostgreSQL: the `experts` and `expert_skills` index rows and the expert search.

use super::{PgStore, Tx, shard};
use crate::error::backend;
use crate::rows;
use crate::sql;
use sqlx::AssertSqlSafe;
use sysops_core::StoreError;
use sysops_core::store::{Change, ExpertIndex, ExpertQuery, ExpertStore, Page, StoredState};

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<ExpertIndex>() else { return Ok(()) };
    let id = change.stream().id;
    let shard = shard(change.stream());
    sqlx::query(
        "INSERT INTO experts (shard, id, active, lat, lon, radius_km) VALUES ($6, $1, $2, $3, $4, $5)
         ON CONFLICT (shard, id) DO UPDATE SET active = excluded.active, lat = excluded.lat,
         lon = excluded.lon, radius_km = excluded.radius_km",
    )
    .bind(id)
    .bind(index.active)
    .bind(index.base.lat())
    .bind(index.base.lon())
    .bind(i32::from(index.radius_km))
    .bind(shard)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    let categories: Vec<&str> = index.skills.iter().map(|(c, _)| c.as_str()).collect();
    let levels: Vec<i16> = index.skills.iter().map(|(_, l)| i16::from(l.get())).collect();
    sqlx::query("DELETE FROM expert_skills WHERE shard = $2 AND expert = $1")
        .bind(id)
        .bind(shard)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    sqlx::query(
        "INSERT INTO expert_skills (shard, expert, category, level)
         SELECT $4, $1, c, l FROM UNNEST($2::text[], $3::smallint[]) AS s(c, l)",
    )
    .bind(id)
    .bind(categories)
    .bind(levels)
    .bind(shard)
    .execute(&mut **tx)
    .await
    .map(drop)
    .map_err(backend)
}

impl ExpertStore for PgStore {
    async fn experts(&self, query: ExpertQuery, page: Page) -> Result<Vec<StoredState>, StoreError> {
        sql::expert::page_experts(&query, page, |cursor| async move {
            let (sql, binds) = sql::expert::expert_query(&query, &cursor, self.placeholders());
            rows::bind_all!(sqlx::query_as(AssertSqlSafe(sql)), binds).fetch_all(&self.pool).await.map_err(backend)
        })
        .await
    }
}
