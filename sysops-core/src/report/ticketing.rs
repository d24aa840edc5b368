//! The ticketing report: the tickets submitted in a period, by region, plan, category and
//! priority, with where they stand now.

use super::facts::{CustomerFacts, PlanFacts, TicketFacts};
use super::{ReportLag, ReportRange};
use crate::id::{CustomerId, PlanId};
use crate::skill::{Priority, ProductCategory};
use crate::ticket::TicketStatus;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

/// One group of the ticketing report: the tickets submitted in the report's period by
/// customers of one region, under one plan, of one category and priority. Counts by status
/// are of where those tickets stand at the report's `as_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct TicketingRow {
    /// The region (state) of the customer's address now; empty when unknown.
    pub region: String,
    /// The plan the tickets were submitted under.
    pub plan: PlanId,
    /// Its name; empty when unknown.
    pub plan_name: String,
    pub category: ProductCategory,
    pub priority: Priority,
    /// Tickets submitted.
    pub submitted: u64,
    /// Waiting for an expert.
    pub open: u64,
    /// Offered, waiting for the expert's answer.
    pub assigned: u64,
    pub accepted: u64,
    pub in_progress: u64,
    pub waiting_for_customer: u64,
    pub completed: u64,
    pub closed: u64,
    pub cancelled: u64,
    /// Tickets reopened at least once.
    pub reopened: u64,
    /// Tickets completed at least once.
    pub fixed: u64,
    /// Tickets completed and never reopened.
    pub fixed_first_time: u64,
    /// Response deadlines missed (a ticket misses at most one per opening).
    pub response_breaches: u64,
    /// Resolution deadlines missed (a ticket misses at most one per opening).
    pub resolution_breaches: u64,
    /// Tickets waiting for an expert (open or offered) past their response deadline.
    pub waiting_too_long: u64,
    /// Of the tickets not yet completed, closed or cancelled: the median age in seconds
    /// since submission (nearest rank), `None` when there is none.
    pub open_age_p50_s: Option<i64>,
    /// Their 90th percentile age (nearest rank).
    pub open_age_p90_s: Option<i64>,
    /// The oldest one's age.
    pub open_age_max_s: Option<i64>,
}

impl TicketingRow {
    /// The share of the tickets fixed that were fixed the first time (none fixed: `None`).
    pub fn first_time_fix_rate(&self) -> Option<f64> {
        (self.fixed > 0).then(|| self.fixed_first_time as f64 / self.fixed as f64)
    }
}

/// The ticketing report: a row per group with tickets submitted in `range`, ordered by
/// region, plan name, category and priority.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct TicketingReport {
    pub range: ReportRange,
    /// When it was computed: statuses, ages and deadlines are as of then.
    pub as_of: DateTime<Utc>,
    /// How far behind the events its read model was.
    pub lag: ReportLag,
    pub rows: Vec<TicketingRow>,
}

/// The nearest-rank `numerator/denominator` percentile of `sorted` (ascending): the value at
/// rank ⌈p·n⌉, the definition every backend computes.
pub(crate) fn nearest_rank(sorted: &[i64], numerator: usize, denominator: usize) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (numerator * n).div_ceil(denominator).max(1);
    sorted.get(rank - 1).copied()
}

/// The report's rows from the facts themselves (the in-memory store's query, and the
/// definition the databases' queries are checked against).
pub(crate) fn rows_of<'a>(
    tickets: impl IntoIterator<Item = &'a TicketFacts>,
    customers: &HashMap<CustomerId, &CustomerFacts>,
    plans: &HashMap<PlanId, &PlanFacts>,
    range: ReportRange,
    as_of: DateTime<Utc>,
) -> Vec<TicketingRow> {
    type Key = (String, PlanId, ProductCategory, Priority);
    let mut groups: BTreeMap<Key, (TicketingRow, Vec<i64>)> = BTreeMap::new();
    for t in tickets.into_iter().filter(|t| range.contains(t.submitted_at)) {
        let region = customers.get(&t.customer).map(|c| c.region.clone()).unwrap_or_default();
        let plan_name = plans.get(&t.plan).map(|p| p.name.clone()).unwrap_or_default();
        let (row, ages) = groups
            .entry((region.clone(), t.plan, t.category, t.priority))
            .or_insert_with(|| (TicketingRow::empty(region, t.plan, plan_name, t.category, t.priority), Vec::new()));
        row.submitted += 1;
        *row.status_count(t.status) += 1;
        row.reopened += u64::from(t.reopened > 0);
        row.fixed += u64::from(t.completions > 0);
        row.fixed_first_time += u64::from(t.completions > 0 && t.reopened == 0);
        row.response_breaches += u64::from(t.response_breaches);
        row.resolution_breaches += u64::from(t.resolution_breaches);
        row.waiting_too_long += u64::from(t.waits_too_long(as_of));
        if t.is_open() {
            ages.push(as_of.timestamp() - t.submitted_at.timestamp());
        }
    }
    let mut rows: Vec<TicketingRow> = groups
        .into_values()
        .map(|(mut row, mut ages)| {
            ages.sort_unstable();
            row.open_age_p50_s = nearest_rank(&ages, 1, 2);
            row.open_age_p90_s = nearest_rank(&ages, 9, 10);
            row.open_age_max_s = ages.last().copied();
            row
        })
        .collect();
    rows.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    rows
}

impl TicketingRow {
    /// A group's row with nothing counted yet.
    pub(crate) fn empty(
        region: String,
        plan: PlanId,
        plan_name: String,
        category: ProductCategory,
        priority: Priority,
    ) -> Self {
        Self {
            region,
            plan,
            plan_name,
            category,
            priority,
            submitted: 0,
            open: 0,
            assigned: 0,
            accepted: 0,
            in_progress: 0,
            waiting_for_customer: 0,
            completed: 0,
            closed: 0,
            cancelled: 0,
            reopened: 0,
            fixed: 0,
            fixed_first_time: 0,
            response_breaches: 0,
            resolution_breaches: 0,
            waiting_too_long: 0,
            open_age_p50_s: None,
            open_age_p90_s: None,
            open_age_max_s: None,
        }
    }

    fn status_count(&mut self, status: TicketStatus) -> &mut u64 {
        match status {
            TicketStatus::Open => &mut self.open,
            TicketStatus::Assigned => &mut self.assigned,
            TicketStatus::Accepted => &mut self.accepted,
            TicketStatus::InProgress => &mut self.in_progress,
            TicketStatus::WaitingForCustomer => &mut self.waiting_for_customer,
            TicketStatus::Completed => &mut self.completed,
            TicketStatus::Closed => &mut self.closed,
            TicketStatus::Cancelled => &mut self.cancelled,
        }
    }

    /// The report's order: region, plan name, plan, category name, priority.
    pub(crate) fn order_key(&self) -> (&str, &str, PlanId, &'static str, Priority) {
        (&self.region, &self.plan_name, self.plan, self.category.as_str(), self.priority)
    }
}
