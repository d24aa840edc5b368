//! Quarantined records: stored data that does not decode, skipped and reported instead of
//! stopping everyone's work.

use crate::client::{Sysops, page};
use crate::enums::RecordKind;
use crate::error::SysopsError;
use crate::guard::guard;
use crate::value::Actor;
use sysops_core as core;
use uuid::Uuid;

/// A stored record that could not be read (left by a buggy older version or a hand edit).
/// Listings and the assignment job skip it and report it; reading it alone fails with
/// [`SysopsError::Internal`](crate::SysopsError) naming it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct QuarantinedRecord {
    pub kind: RecordKind,
    pub id: Uuid,
    /// What failed to decode, and why.
    pub problem: String,
}

impl From<core::store::Quarantined> for QuarantinedRecord {
    fn from(q: core::store::Quarantined) -> Self {
        QuarantinedRecord { kind: q.stream.kind, id: q.stream.id, problem: q.problem }
    }
}

/// One page of the integrity audit: the records checked and found healthy, the quarantined
/// ones, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct RecordAudit {
    /// Ids of the records that decode and replay exactly.
    pub healthy: Vec<Uuid>,
    /// The records that do not.
    pub quarantined: Vec<QuarantinedRecord>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<Uuid>,
}

impl From<core::store::Listing<core::StreamId>> for RecordAudit {
    fn from(l: core::store::Listing<core::StreamId>) -> Self {
        RecordAudit {
            healthy: l.items.iter().map(|s| s.id).collect(),
            quarantined: quarantined(l.quarantined),
            next: l.next,
        }
    }
}

/// The quarantine entries of a listing, converted.
pub(crate) fn quarantined(entries: Vec<core::store::Quarantined>) -> Vec<QuarantinedRecord> {
    entries.into_iter().map(QuarantinedRecord::from).collect()
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Audits `limit` stored records of `kind` after the id `after` (administrators): which
    /// read back and replay exactly, and which are quarantined and why.
    pub async fn quarantined_records(
        &self,
        actor: Actor,
        kind: RecordKind,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<RecordAudit, SysopsError> {
        guard(async move { Ok(self.api()?.quarantined_records(actor.into(), kind, page(after, limit)?).await?.into()) })
            .await
    }
}
