//! The assignment job's results and its cost weights.

use crate::client::Sysops;
use crate::enums::WaitReason;
use crate::error::SysopsError;
use crate::guard::guard;
use crate::integrity::QuarantinedRecord;
use crate::ticket::{Rationale, Ticket};
use crate::value::Actor;
use chrono::TimeDelta;
use sysops_core as core;
use uuid::Uuid;

/// How much each cost term weighs when the assignment job picks experts. Each weight is a
/// finite number in `0.0..=100.0`; anything else (NaN, infinities, negatives) makes
/// `run_assignment` fail with [`SysopsError::InvalidInput`] before anything changes.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "sysops"))]
pub struct CostWeights {
    /// Points per km travelled.
    #[uniffi(default = 1.0)]
    pub distance_per_km: f64,
    /// Points at full load.
    #[uniffi(default = 30.0)]
    pub load: f64,
    /// Points per level of over-qualification.
    #[uniffi(default = 8.0)]
    pub overqualification_per_level: f64,
    /// Points per survey star below five.
    #[uniffi(default = 10.0)]
    pub rating_per_missing_star: f64,
    /// Points for the busiest expert's share of recent work.
    #[uniffi(default = 15.0)]
    pub fairness: f64,
}

impl Default for CostWeights {
    fn default() -> Self {
        core::assignment::CostWeights::default().into()
    }
}

impl From<core::assignment::CostWeights> for CostWeights {
    fn from(w: core::assignment::CostWeights) -> Self {
        CostWeights {
            distance_per_km: w.distance_per_km(),
            load: w.load(),
            overqualification_per_level: w.overqualification_per_level(),
            rating_per_missing_star: w.rating_per_missing_star(),
            fairness: w.fairness(),
        }
    }
}

impl TryFrom<CostWeights> for core::assignment::CostWeights {
    type Error = SysopsError;
    fn try_from(w: CostWeights) -> Result<Self, SysopsError> {
        Ok(core::assignment::CostWeights::new(
            w.distance_per_km,
            w.load,
            w.overqualification_per_level,
            w.rating_per_missing_star,
            w.fairness,
        )?)
    }
}

/// A ticket offered to an expert by the assignment job.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Offer {
    pub ticket: Uuid,
    pub expert: Uuid,
    /// Why this expert.
    pub rationale: Rationale,
}

/// An open ticket the job could not place, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct TicketWait {
    pub ticket: Uuid,
    /// Why it waits.
    pub reason: WaitReason,
}

/// What one run of the assignment job did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct AssignmentReport {
    /// Tickets whose offers expired unanswered (open again).
    pub expired: Vec<Uuid>,
    /// Offers made.
    pub offers: Vec<Offer>,
    /// Tickets left waiting, with why.
    pub waiting: Vec<TicketWait>,
    /// True when another job held some experts, so some reasons may be pessimistic.
    pub contended: bool,
    /// Stored tickets and experts that could not be read and were skipped; every other
    /// ticket was still planned.
    pub quarantined: Vec<QuarantinedRecord>,
}

impl From<core::AssignmentReport> for AssignmentReport {
    fn from(r: core::AssignmentReport) -> Self {
        AssignmentReport {
            expired: r.expired.into_iter().map(|t| t.as_uuid()).collect(),
            offers: r
                .offers
                .into_iter()
                .map(|o| Offer {
                    ticket: o.ticket.as_uuid(),
                    expert: o.expert.as_uuid(),
                    rationale: o.rationale.into(),
                })
                .collect(),
            waiting: r.waiting.into_iter().map(|(t, reason)| TicketWait { ticket: t.as_uuid(), reason }).collect(),
            contended: r.contended,
            quarantined: crate::integrity::quarantined(r.quarantined),
        }
    }
}

/// A ticket waiting longer than its plan allows.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct WaitingTicket {
    pub ticket: Ticket,
    /// How long past its response target.
    pub overdue_by: TimeDelta,
    /// Why it still waits.
    pub reason: WaitReason,
}

impl From<core::WaitingTicket> for WaitingTicket {
    fn from(w: core::WaitingTicket) -> Self {
        WaitingTicket { ticket: w.ticket.into(), overdue_by: w.overdue_by, reason: w.reason }
    }
}

/// Tickets waiting longer than their plan allows, and the records that could not be read.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct WaitingTickets {
    /// Most overdue first.
    pub tickets: Vec<WaitingTicket>,
    /// Stored tickets and experts that could not be read (skipped above).
    pub quarantined: Vec<QuarantinedRecord>,
}

impl From<core::store::Listing<core::WaitingTicket>> for WaitingTickets {
    fn from(l: core::store::Listing<core::WaitingTicket>) -> Self {
        WaitingTickets {
            tickets: l.items.into_iter().map(WaitingTicket::from).collect(),
            quarantined: crate::integrity::quarantined(l.quarantined),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Runs the assignment job once: expires overdue offers, then offers open tickets to the best experts.
    pub async fn run_assignment(
        &self,
        actor: Actor,
        weights: Option<CostWeights>,
    ) -> Result<AssignmentReport, SysopsError> {
        guard(async move {
            let weights = weights.unwrap_or_default().try_into()?;
            Ok(self.api()?.run_assignment(actor.into(), &weights).await?.into())
        })
        .await
    }

    /// Expires every offer past its answer deadline; returns the tickets open again.
    pub async fn expire_overdue_offers(&self, actor: Actor) -> Result<Vec<Uuid>, SysopsError> {
        guard(async move {
            Ok(self.api()?.expire_overdue_offers(actor.into()).await?.into_iter().map(|t| t.as_uuid()).collect())
        })
        .await
    }

    /// Tickets waiting longer than their plan allows, most overdue first, with why.
    pub async fn tickets_waiting_too_long(&self, actor: Actor) -> Result<WaitingTickets, SysopsError> {
        guard(async move { Ok(self.api()?.tickets_waiting_too_long(actor.into()).await?.into()) }).await
    }
}

/// The cost weights the assignment job uses when none are given: start from these to tune one.
#[uniffi::export]
pub fn default_cost_weights() -> CostWeights {
    CostWeights::default()
}
