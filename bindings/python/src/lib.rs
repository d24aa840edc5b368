//! `sysops._sysops`: the Python face of sysops, for call-center tools and reporting notebooks.
//!
//! The records and enums are `sysops-ffi`'s (PyO3 classes under its `python` feature); this
//! crate adds the blocking `sysops.Sysops` handle, whose every call releases the GIL while the
//! database works, and the exception hierarchy. It converts and forwards; it decides nothing.
#![forbid(unsafe_code)]

mod args;
mod errors;
mod handle;

use pyo3::prelude::*;
use sysops_ffi as ffi;

/// The actor for the system's own jobs; it also creates the first administrator.
#[pyfunction]
fn system_actor() -> ffi::Actor {
    ffi::system_actor()
}

/// The product category with this stable name, e.g. `"game_console"`.
#[pyfunction]
fn product_category_named(name: String) -> Result<ffi::ProductCategory, errors::Failure> {
    Ok(ffi::product_category_named(name)?)
}

/// The stable name of a product category.
#[pyfunction]
fn product_category_name(category: ffi::ProductCategory) -> String {
    ffi::product_category_name(category)
}

#[pyfunction]
fn default_cost_weights() -> ffi::CostWeights {
    ffi::default_cost_weights()
}

#[pyfunction]
fn default_notify_options() -> ffi::NotifyOptions {
    ffi::default_notify_options()
}

#[pyfunction]
fn template_facts(kind: ffi::MessageKind) -> Vec<String> {
    ffi::template_facts(kind)
}

#[pymodule]
fn _sysops(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<handle::Sysops>()?;
    m.add_class::<handle::Replica>()?;
    m.add_class::<ffi::CustomerCard>()?;
    m.add_class::<ffi::PhoneCommand>()?;
    m.add_class::<ffi::QueuedCommand>()?;
    m.add_class::<ffi::Refusal>()?;
    m.add_class::<ffi::RefusedCommand>()?;
    m.add_class::<ffi::SyncFault>()?;
    m.add_class::<ffi::SyncReport>()?;
    m.add_function(wrap_pyfunction!(system_actor, m)?)?;
    m.add_function(wrap_pyfunction!(product_category_named, m)?)?;
    m.add_function(wrap_pyfunction!(product_category_name, m)?)?;
    m.add_function(wrap_pyfunction!(default_cost_weights, m)?)?;
    m.add_function(wrap_pyfunction!(default_notify_options, m)?)?;
    m.add_function(wrap_pyfunction!(template_facts, m)?)?;
    m.add_class::<ffi::DeadlineReport>()?;
    m.add_class::<ffi::Deadline>()?;
    m.add_class::<ffi::Delivery>()?;
    m.add_class::<ffi::DeliveryStatus>()?;
    m.add_class::<ffi::Message>()?;
    m.add_class::<ffi::MessageChannel>()?;
    m.add_class::<ffi::MessageKind>()?;
    m.add_class::<ffi::NotifyOptions>()?;
    m.add_class::<ffi::NotifyReport>()?;
    m.add_class::<ffi::SurveyView>()?;
    m.add_class::<ffi::ProjectionReport>()?;
    m.add_class::<ffi::TicketingReport>()?;
    m.add_class::<ffi::TicketingRow>()?;
    m.add_class::<ffi::ExpertReport>()?;
    m.add_class::<ffi::ExpertRow>()?;
    m.add_class::<ffi::FinancialReport>()?;
    m.add_class::<ffi::FinancialRow>()?;
    m.add_class::<ffi::StopSignal>()?;
    m.add_class::<ffi::Template>()?;
    m.add_class::<ffi::Action>()?;
    m.add_class::<ffi::Actor>()?;
    m.add_class::<ffi::Address>()?;
    m.add_class::<ffi::Assignment>()?;
    m.add_class::<ffi::AssignmentReport>()?;
    m.add_class::<ffi::Channel>()?;
    m.add_class::<ffi::Contact>()?;
    m.add_class::<ffi::CostFactor>()?;
    m.add_class::<ffi::CostTerm>()?;
    m.add_class::<ffi::CostWeights>()?;
    m.add_class::<ffi::Currency>()?;
    m.add_class::<ffi::Customer>()?;
    m.add_class::<ffi::DenyReason>()?;
    m.add_class::<ffi::Expert>()?;
    m.add_class::<ffi::ExpertPage>()?;
    m.add_class::<ffi::ExpertProfile>()?;
    m.add_class::<ffi::GeoPoint>()?;
    m.add_class::<ffi::Money>()?;
    m.add_class::<ffi::NewTicket>()?;
    m.add_class::<ffi::Offer>()?;
    m.add_class::<ffi::Outcome>()?;
    m.add_class::<ffi::OutboxEntry>()?;
    m.add_class::<ffi::PlanTerms>()?;
    m.add_class::<ffi::Priority>()?;
    m.add_class::<ffi::ProductCategory>()?;
    m.add_class::<ffi::QuarantinedRecord>()?;
    m.add_class::<ffi::Rationale>()?;
    m.add_class::<ffi::RecordAudit>()?;
    m.add_class::<ffi::RecordKind>()?;
    m.add_class::<ffi::Role>()?;
    m.add_class::<ffi::Rule>()?;
    m.add_class::<ffi::ServiceHours>()?;
    m.add_class::<ffi::ServiceTargets>()?;
    m.add_class::<ffi::Skill>()?;
    m.add_class::<ffi::StaffAccount>()?;
    m.add_class::<ffi::StaffChange>()?;
    m.add_class::<ffi::StaffEvent>()?;
    m.add_class::<ffi::StaffRole>()?;
    m.add_class::<ffi::SupportPlan>()?;
    m.add_class::<ffi::Ticket>()?;
    m.add_class::<ffi::TicketChange>()?;
    m.add_class::<ffi::TicketEvent>()?;
    m.add_class::<ffi::TicketPage>()?;
    m.add_class::<ffi::TicketState>()?;
    m.add_class::<ffi::TicketStatus>()?;
    m.add_class::<ffi::TicketWait>()?;
    m.add_class::<ffi::TimeOff>()?;
    m.add_class::<ffi::WaitReason>()?;
    m.add_class::<ffi::WaitingTicket>()?;
    m.add_class::<ffi::WaitingTickets>()?;
    m.add_class::<ffi::Weekday>()?;
    m.add_class::<ffi::WeeklyHours>()?;
    m.add_class::<ffi::WorkWindow>()?;
    m.add_class::<ffi::AdminAction>()?;
    m.add_class::<ffi::Article>()?;
    m.add_class::<ffi::ArticleContent>()?;
    m.add_class::<ffi::ArticleHit>()?;
    m.add_class::<ffi::ArticleRevision>()?;
    m.add_class::<ffi::DiffLine>()?;
    m.add_class::<ffi::DiffOp>()?;
    m.add_class::<ffi::RevisionInfo>()?;
    m.add_class::<ffi::SearchResults>()?;
    m.add_class::<ffi::ArticleSyncReport>()?;
    m.add_class::<ffi::CustomerResults>()?;
    m.add_class::<ffi::TicketResults>()?;
    m.add_class::<ffi::LookupKind>()?;
    m.add_class::<ffi::SnippetPart>()?;
    m.add_class::<ffi::BillingReport>()?;
    m.add_class::<ffi::Card>()?;
    m.add_class::<ffi::CardBrand>()?;
    m.add_class::<ffi::CardKey>()?;
    m.add_class::<ffi::CardOnFile>()?;
    m.add_class::<ffi::Declined>()?;
    m.add_class::<ffi::Invoice>()?;
    m.add_class::<ffi::InvoiceLine>()?;
    m.add_class::<ffi::InvoicePage>()?;
    m.add_class::<ffi::InvoiceStatus>()?;
    m.add_class::<ffi::PaymentAttempt>()?;
    m.add_class::<ffi::PlanSpan>()?;
    m.add_class::<ffi::Refund>()?;
    m.add_class::<ffi::RotationReport>()?;
    m.add_class::<ffi::Simulated>()?;
    m.add_class::<ffi::SimulatedGateway>()?;
    m.add_class::<ffi::ChargeAnswer>()?;
    m.add_class::<ffi::ChargeRequest>()?;
    m.add_class::<ffi::RefundRequest>()?;
    m.add_class::<ffi::Subscription>()?;
    Ok(())
}
