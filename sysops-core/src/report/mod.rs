//! Reports for managers: the business as typed tables, computed by the database from read
//! models (projection tables) rather than by loading every record into the process (ADR-7).
//!
//! The report projector (`Service::project_reports`) reads the events through the outbox
//! as consumer [`REPORTS`] and folds them into facts ([`TicketFacts`], [`OfferFacts`],
//! [`CustomerFacts`], [`PlanFacts`], [`ExpertFacts`], [`SurveyFacts`], [`InvoiceFacts`]): a
//! row per record, remembering the last event it took in, so that an event
//! read twice changes nothing. The facts may live in an analytics database of their own;
//! each report says how far behind the events they were ([`ReportLag`]), and
//! `Service::rebuild_reports` folds them again from the event store at any time.

mod csv;
mod experts;
mod facts;
mod financial;
mod store;
mod ticketing;

pub use csv::{Table, to_csv};
pub use experts::{ExpertReport, ExpertRow};
pub use facts::{
    CustomerFacts, ExpertFacts, OfferFacts, OfferOutcome, PlanFacts, Projection, SurveyFacts, TicketFacts, TicketMemo,
};
pub use financial::{FinancialReport, FinancialRow, FinancialSums, InvoiceFacts, from_minor_units, minor_units};
pub use store::ReportStore;
pub use ticketing::{TicketingReport, TicketingRow};

use crate::error::ValidationError;
use chrono::{DateTime, Utc};

/// The outbox consumer the report projector reads with.
pub const REPORTS: &str = "reports";

/// A report's period: from `from` (included) to `to` (excluded), counted in whole seconds
/// (the read models keep times to the second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRange {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl ReportRange {
    /// The period from `from` to `to`: both in the accepted time range
    /// ([`crate::time::check`]), `from` before `to`.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Self, ValidationError> {
        crate::time::check("from", from)?;
        crate::time::check("to", to)?;
        if from >= to {
            return Err(ValidationError::EmptyInterval { field: "range" });
        }
        Ok(Self { from, to })
    }

    /// Every instant sysops accepts.
    pub fn all_time() -> Self {
        Self { from: crate::time::EARLIEST, to: crate::time::latest() }
    }

    /// The first instant in the period.
    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }

    /// The first instant after the period.
    pub fn to(&self) -> DateTime<Utc> {
        self.to
    }

    /// True when `at` lies in the period, to the second.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        (self.from.timestamp()..self.to.timestamp()).contains(&at.timestamp())
    }
}

/// How far behind the events a report's read model was when it was read: the time of the
/// oldest event not yet folded in, or `None` when every event was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportLag {
    /// When the oldest event not folded in happened.
    pub behind_since: Option<DateTime<Utc>>,
}

impl ReportLag {
    /// How long the oldest event not folded in has waited at `as_of` (zero when none).
    pub fn at(&self, as_of: DateTime<Utc>) -> chrono::TimeDelta {
        self.behind_since.map_or(chrono::TimeDelta::zero(), |since| (as_of - since).max(chrono::TimeDelta::zero()))
    }
}

#[cfg(test)]
mod tests;
