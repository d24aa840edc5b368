//! Expert workloads, counted from the ticket index in either backend.

use sysops_core::store::ExpertLoad;
use uuid::Uuid;

/// Workload per expert from the tickets index: expert, active tickets (a ticket waiting on its
/// customer stays its expert's), completed tickets.
pub(crate) const LOADS_SQL: &str = "SELECT expert,
        SUM(CASE WHEN status IN ('assigned', 'accepted', 'in_progress', 'waiting_for_customer') THEN 1 ELSE 0 END),
        SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END)
     FROM tickets WHERE expert IS NOT NULL GROUP BY expert";

pub(crate) fn load((expert, active, recent): (Uuid, i64, i64)) -> ExpertLoad {
    let count = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    ExpertLoad { expert: expert.into(), active: count(active), recent: count(recent) }
}
