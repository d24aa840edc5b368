//! Hard constraints: an expert who breaks any of them is never offered the ticket.

use super::cost::Workload;
use crate::expert::Expert;
use crate::expert::Unqualified;
use crate::ticket::Ticket;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why an expert cannot take a ticket now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Infeasible {
    /// Inactive, lacks the skill or level, or the ticket is outside the service radius.
    Unqualified,
    /// The expert already rejected this ticket or let an offer of it expire.
    Declined,
    /// Outside working hours or on time off.
    OffDuty,
    /// No capacity left.
    Full,
}

/// Checks every hard constraint, in the order a dispatcher would explain them.
pub fn check(ticket: &Ticket, expert: &Expert, workload: &Workload, now: DateTime<Utc>) -> Result<(), Infeasible> {
    check_on_duty(ticket, expert, workload, expert.is_available_at(now))
}

/// [`check`] with the expert's availability at the time already known (it is per expert, not per pair).
pub fn check_on_duty(ticket: &Ticket, expert: &Expert, workload: &Workload, on_duty: bool) -> Result<(), Infeasible> {
    expert
        .qualifies_for(ticket.category, ticket.required_level, &ticket.location)
        .map_err(|_: Unqualified| Infeasible::Unqualified)?;
    if ticket.excludes(expert.id) {
        return Err(Infeasible::Declined);
    }
    if !on_duty {
        return Err(Infeasible::OffDuty);
    }
    if workload.active >= u32::from(expert.profile.capacity.get()) {
        return Err(Infeasible::Full);
    }
    Ok(())
}

/// Why a ticket stayed open after an assignment run.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WaitReason {
    /// No active expert with the skill at the needed level serves the ticket's location.
    NoQualifiedExpertNearby,
    /// Every qualified expert nearby already rejected it or let it expire.
    DeclinedByEveryQualifiedExpert,
    /// Qualified experts are nearby, but none is working now.
    NoQualifiedExpertOnDuty,
    /// Qualified experts on duty are all at capacity (or were given more urgent tickets).
    AllQualifiedExpertsBusy,
    /// Offered to an expert who has not answered yet.
    AwaitingExpertAnswer,
}

impl WaitReason {
    /// The reason from the best outcome over all experts checked (`None`: someone could take it).
    pub fn from_checks(outcomes: impl IntoIterator<Item = Result<(), Infeasible>>) -> WaitReason {
        let best = outcomes.into_iter().map(|o| o.err()).min_by_key(|o| match o {
            None => 0,
            Some(Infeasible::Full) => 1,
            Some(Infeasible::OffDuty) => 2,
            Some(Infeasible::Declined) => 3,
            Some(Infeasible::Unqualified) => 4,
        });
        match best {
            None => WaitReason::NoQualifiedExpertNearby,
            Some(None) | Some(Some(Infeasible::Full)) => WaitReason::AllQualifiedExpertsBusy,
            Some(Some(Infeasible::OffDuty)) => WaitReason::NoQualifiedExpertOnDuty,
            Some(Some(Infeasible::Declined)) => WaitReason::DeclinedByEveryQualifiedExpert,
            Some(Some(Infeasible::Unqualified)) => WaitReason::NoQualifiedExpertNearby,
        }
    }

    /// A short human explanation.
    pub fn describe(self) -> &'static str {
        match self {
            WaitReason::NoQualifiedExpertNearby => "no qualified expert serves this location",
            WaitReason::DeclinedByEveryQualifiedExpert => "every qualified expert nearby declined or let it expire",
            WaitReason::NoQualifiedExpertOnDuty => "no qualified expert nearby is on duty now",
            WaitReason::AllQualifiedExpertsBusy => "every qualified expert on duty is at capacity",
            WaitReason::AwaitingExpertAnswer => "offered to an expert who has not answered yet",
        }
    }
}
