//! With the `python` feature: a readable `repr()` for every record, for notebooks and logs.

use pyo3::pymethods;

/// `repr(record)` is its Rust debug form, e.g. `GeoPoint { lat: 41.88, lon: -87.63 }`.
macro_rules! debug_repr {
    ($($record:ty),+ $(,)?) => {$(
        #[pymethods]
        impl $record {
            fn __repr__(&self) -> String {
                format!("{self:?}")
            }
        }
    )+};
}

debug_repr!(
    crate::Actor,
    crate::Address,
    crate::Assignment,
    crate::AssignmentReport,
    crate::Contact,
    crate::CostTerm,
    crate::CostWeights,
    crate::Customer,
    crate::Expert,
    crate::ExpertProfile,
    crate::GeoPoint,
    crate::Money,
    crate::NewTicket,
    crate::Offer,
    crate::OutboxEntry,
    crate::Outcome,
    crate::PlanTerms,
    crate::Rationale,
    crate::ServiceTargets,
    crate::Skill,
    crate::StaffAccount,
    crate::StaffChange,
    crate::StaffEvent,
    crate::SupportPlan,
    crate::Ticket,
    crate::TicketChange,
    crate::TicketEvent,
    crate::TicketState,
    crate::TicketWait,
    crate::TimeOff,
    crate::WaitingTicket,
    crate::WeeklyHours,
    crate::WorkWindow,
);
