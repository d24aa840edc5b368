//! # sysops-ffi
//!
//! The UniFFI facade of sysops for Kotlin and Swift. It holds only conversions and
//! handles: records that mirror the domain, the domain's own enums (`enums.rs`), one
//! [`SysopsError`], and the [`Sysops`] handle whose calls are `suspend` in Kotlin and
//! `async` in Swift; each domain's calls are an exported block in its file. With the
//! `python` feature the same records and enums are also PyO3 classes, so the Python
//! package (`bindings/python`) converts nothing twice.
//!
//! Nothing panics across the boundary: malformed input arrives as
//! [`SysopsError::InvalidInput`], including ids that are not UUIDs and times out of range,
//! and every exported call that can fail runs inside [`guard`] or [`guard_sync`], which
//! turn a panic (a bug) into [`SysopsError::Internal`].
#![forbid(unsafe_code)]

uniffi::setup_scaffolding!();

mod assignment;
mod billing;
mod client;
mod customer;
mod enums;
mod error;
mod expert;
mod guard;
mod helpdesk;
#[cfg(feature = "hostile")]
pub mod hostile;
mod integrity;
mod kb;
mod notify;
mod outbox;
mod plan;
#[cfg(feature = "python")]
pub mod python;
mod report;
mod staff;
mod survey;
mod sync;
mod ticket;
mod types;
mod value;

pub use assignment::{
    AssignmentReport, CostWeights, Offer, TicketWait, WaitingTicket, WaitingTickets, default_cost_weights,
};
pub use billing::{
    AdminAction, BillingReport, Card, CardKey, CardOnFile, ChargeAnswer, ChargeRequest, Declined, GatewayError,
    Invoice, InvoiceLine, InvoicePage, PaymentAttempt, PaymentGateway, PlanSpan, Refund, RefundRequest, RotationReport,
    Simulated, SimulatedGateway, Subscription,
};
pub use client::Sysops;
pub use customer::{Address, Contact, Customer};
pub use enums::{
    Action, CardBrand, Channel, CostFactor, Currency, Deadline, DeliveryStatus, DiffOp, InvoiceStatus, LookupKind,
    MessageChannel, MessageKind, Priority, ProductCategory, RecordKind, Role, StaffRole, TicketStatus, WaitReason,
    Weekday,
};
pub use error::{DenyReason, Rule, SyncFault, SysopsError};
pub use expert::{Expert, ExpertPage, ExpertProfile, ExpertQuery, Skill, TimeOff, WeeklyHours, WorkWindow};
pub use guard::{guard, guard_sync};
pub use helpdesk::{CustomerResults, TicketResults};
pub use integrity::{QuarantinedRecord, RecordAudit};
pub use kb::{
    Article, ArticleContent, ArticleHit, ArticleRevision, ArticleSyncReport, DiffLine, ImportListener, RevisionInfo,
    SearchResults, SnippetPart,
};
pub use notify::{
    DeadlineReport, Delivery, Message, Notifier, NotifyOptions, NotifyReport, SendError, StopSignal, Template,
    default_notify_options, template_facts,
};
pub use outbox::OutboxEntry;
pub use plan::{PlanTerms, ServiceHours, ServiceTargets, SupportPlan};
pub use report::{
    ExpertReport, ExpertRow, FinancialReport, FinancialRow, ProjectionReport, TicketingReport, TicketingRow,
};
pub use staff::{StaffAccount, StaffChange, StaffEvent};
pub use survey::{SurveyAnswer, SurveyView};
pub use sync::{CustomerCard, PhoneCommand, QueuedCommand, Refusal, RefusedCommand, Replica, SyncReport};
pub use ticket::{
    Assignment, CostTerm, NewTicket, Outcome, Rationale, Ticket, TicketChange, TicketEvent, TicketFilter, TicketPage,
    TicketState,
};
pub use types::{Timestamp, parse_uuid};
pub use value::{Actor, GeoPoint, Money, product_category_name, product_category_named, system_actor};
