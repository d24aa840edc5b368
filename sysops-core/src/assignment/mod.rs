//! Assignment (ADR-3): the right expert for every open ticket, optimal over the whole batch.
//!
//! [`plan`] is pure and deterministic: given the open tickets, the experts with their
//! workloads, the time and the cost weights, it returns the best set of offers (each with
//! the cost terms that explain it) and, for each ticket left open, why. The hard
//! constraints of [`feasibility::check`] are never broken; among the rest the batch is solved
//! as a min-cost flow (see `solver`): as many tickets as possible, urgent ones first when
//! experts are scarce, then the lowest total cost.

mod cost;
pub mod feasibility;
mod solver;
mod spatial;
mod store;

pub use cost::{CostWeights, Rating, Workload, explain};
pub use feasibility::{Infeasible, WaitReason};
pub use store::{AssignmentStore, Claim, ExpertLoad};

use crate::expert::Expert;
use crate::id::{ExpertId, TicketId};
use crate::skill::Priority;
use crate::ticket::{Rationale, Ticket, TicketStatus};
use chrono::{DateTime, Utc};

/// An expert as the assignment job sees them: profile and current workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The profile.
    pub expert: Expert,
    /// Current load, recent work and rating.
    pub workload: Workload,
}

/// One offer to make: give `ticket` to `expert`, for these reasons.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct Offer {
    pub ticket: TicketId,
    pub expert: ExpertId,
    /// The cost and its terms.
    pub rationale: Rationale,
}

/// The outcome of planning one batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// Offers to make, in ticket order.
    pub offers: Vec<Offer>,
    /// Tickets left open, with why.
    pub waiting: Vec<(TicketId, WaitReason)>,
}

impl Plan {
    /// Sum of the offers' costs.
    pub fn total_cost(&self) -> f64 {
        self.offers.iter().map(|o| o.rationale.total()).sum()
    }
}

/// The value of assigning a ticket in a batch of `batch` open tickets, in thousandths of a
/// cost point. The solver maximises Σ (reward − [`pair_cost`]) over the offers it makes.
///
/// The objective is lexicographic whatever the [`CostWeights`]. Every pair costs at most
/// `MAX_PAIR_COST` (weights are at most [`CostWeights::MAX`] and the solver cost is clamped),
/// and two plans differ by alternating paths that each move at most `batch` offers, so a
/// path changes the total cost by less than `step = (batch + 1) × MAX_PAIR_COST`.
/// - More tickets first: a plan that could place one more ticket has an augmenting path
///   that places it without dropping any other; it gains a whole reward (at least three
///   steps) and loses less than one step of cost.
/// - Then urgency: a path that swaps a ticket for a more urgent one gains at least one step
///   (each priority level is worth one) and loses less than one step of cost.
/// - Then the lowest cost.
///
/// With `MAX_PAIR_COST` ≈ 10⁸ the largest reward for a batch of n tickets is about
/// 5 × 10⁸ × n, far inside `i64` for any batch that fits in memory; the products saturate
/// rather than overflow, and the solver's sums saturate too.
pub fn reward(priority: Priority, batch: usize) -> i64 {
    let step = cost::MAX_PAIR_COST.saturating_mul(i64::try_from(batch).unwrap_or(i64::MAX).saturating_add(1));
    let urgency = match priority {
        Priority::Standard => 0,
        Priority::High => 1,
        Priority::Critical => 2,
    };
    step.saturating_mul(3 + urgency)
}

/// The order tickets are added to the solver and reported in: urgent first, then longest waiting.
fn ticket_order(tickets: &mut [&Ticket]) {
    tickets.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.open_since.cmp(&b.open_since)).then(a.id.cmp(&b.id)));
}

/// The solver's integer cost (thousandths of a point) of giving `ticket` to `expert`.
pub fn pair_cost(ticket: &Ticket, candidate: &Candidate, busiest_recent: u32, weights: &CostWeights) -> i64 {
    cost::solver_cost(&cost::terms(ticket, &candidate.expert, &candidate.workload, busiest_recent, weights))
}

/// How many of its cheapest feasible experts each ticket considers. The solver is exact over
/// these candidates. Only a ticket with more qualified experts in reach (a dense metro) is
/// affected, and only when its 64 cheapest are all needed elsewhere; the cap bounds the work
/// there at that small, documented cost in exactness.
pub const MAX_CANDIDATES: usize = 64;

/// Plans offers for the `Open` tickets among `tickets` at `now`.
///
/// Deterministic: the same input gives the same plan, whatever the input order.
pub fn plan(now: DateTime<Utc>, tickets: &[Ticket], candidates: &[Candidate], weights: &CostWeights) -> Plan {
    let mut open: Vec<&Ticket> = tickets.iter().filter(|t| t.status() == TicketStatus::Open).collect();
    ticket_order(&mut open);
    let mut experts: Vec<&Candidate> = candidates.iter().collect();
    experts.sort_by_key(|c| c.expert.id);
    experts.dedup_by_key(|c| c.expert.id);
    let index = spatial::AreaIndex::new(
        experts.iter().map(|c| (c.expert.profile.base, f64::from(c.expert.profile.radius_km.get()))),
    );
    let busiest = experts.iter().map(|c| c.workload.recent).max().unwrap_or(0);
    let on_duty: Vec<bool> = experts.iter().map(|c| c.expert.is_available_at(now)).collect();

    let mut edges = Vec::with_capacity(open.len());
    let mut reasons = Vec::with_capacity(open.len());
    for ticket in &open {
        let mut feasible = Vec::new();
        let nearby = index
            .near(&ticket.location)
            .iter()
            .filter_map(|&e| experts.get(e).map(|c| (e, *c, on_duty.get(e).copied().unwrap_or(false))));
        let checks = nearby.map(|(e, c, on_duty)| {
            let outcome = feasibility::check_on_duty(ticket, &c.expert, &c.workload, on_duty);
            if outcome.is_ok() {
                feasible.push((e, cost::solver_cost(&cost::terms(ticket, &c.expert, &c.workload, busiest, weights))));
            }
            outcome
        });
        reasons.push(WaitReason::from_checks(checks.collect::<Vec<_>>()));
        feasible.sort_by_key(|&(e, c)| (c, e));
        feasible.truncate(MAX_CANDIDATES);
        edges.push(feasible);
    }
    let problem = solver::Problem {
        rewards: open.iter().map(|t| reward(t.priority, open.len())).collect(),
        capacities: experts
            .iter()
            .map(|c| u32::from(c.expert.profile.capacity.get()).saturating_sub(c.workload.active))
            .collect(),
        edges,
    };
    let mut result = Plan::default();
    let solution = solver::solve(&problem);
    for (ticket, (choice, reason)) in open.iter().zip(solution.into_iter().zip(reasons)) {
        match choice.and_then(|e| experts.get(e)) {
            Some(c) => result.offers.push(Offer {
                ticket: ticket.id,
                expert: c.expert.id,
                rationale: explain(ticket, &c.expert, &c.workload, busiest, weights),
            }),
            None => result.waiting.push((ticket.id, reason)),
        }
    }
    result
}

/// Why `ticket` cannot be offered to anyone among `candidates` at `now`, if that is so.
pub fn wait_reason(now: DateTime<Utc>, ticket: &Ticket, candidates: &[Candidate]) -> WaitReason {
    WaitReason::from_checks(candidates.iter().map(|c| feasibility::check(ticket, &c.expert, &c.workload, now)))
}

#[cfg(test)]
mod tests;
