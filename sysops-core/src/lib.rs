//! # sysops-core
//!
//! The pure domain of the Sysops Squad field-service system: support plans,
//! customers, experts, staff accounts and the trouble-ticket workflow.
//!
//! Nothing here performs I/O or reads a clock. Every aggregate *decides* a
//! command into events (checking the acting [`Actor`] first) and *applies*
//! events to rebuild its state; the [`Service`] runs that cycle over any
//! [`Store`]. Storage backends implement [`Store`]'s parts (the event store, the
//! outbox, one query trait per domain) and prove themselves with each part's
//! conformance suite in `testing` (feature `testing`).
//!
//! Each domain is a module of its own (`ticket`, `expert`, `customer`, `plan`,
//! `staff`, `assignment`, `billing`, `kb`, `helpdesk`, `notify`, `survey`) holding its types, rules, errors and storage queries; the
//! shared modules below them (`error`, `stream`, `actor`, `persist`) import no
//! domain. See ARCHITECTURE.md at the repository root.
#![forbid(unsafe_code)]

mod actor;
mod aggregate;
pub mod assignment;
pub mod billing;
mod clock;
mod ctx;
mod customer;
mod deadline;
mod error;
mod event;
mod expert;
mod geo;
pub mod helpdesk;
mod id;
mod idgen;
pub mod kb;
mod money;
pub mod notify;
mod persist;
mod plan;
pub mod report;
mod rule;
mod service;
mod skill;
mod staff;
pub mod store;
mod stream;
pub mod survey;
pub mod sync;
mod text;
mod ticket;
pub mod time;

#[cfg(feature = "testing")]
pub mod testing;

pub use actor::{Action, Actor, DenyReason, Forbidden, Role, Scope, Target, authorize};
pub use aggregate::{Aggregate, Decide, applied, continued, replay};
pub use clock::{Clock, ManualClock, SystemClock};
pub use ctx::Ctx;
pub use customer::{Address, Contact, Customer, CustomerCommand, CustomerEvent, CustomerIndex};
pub use deadline::{BusinessCalendar, MAX_HOLIDAYS, MIN_WEEKLY_MINUTES, Pause, ServiceHours};
pub use error::{ReplayError, StoreError, ValidationError};
pub use event::{AggregateKind, Envelope, EventName, SCHEMA_VERSION, Sequence, StreamId};
pub use expert::{
    Capacity, Expert, ExpertCommand, ExpertEvent, ExpertProfile, ExpertQuery, NEUTRAL_STARS, RadiusKm, Ratings,
    Satisfaction, TimeOff, Unqualified, WeeklyHours, WorkWindow,
};
pub use geo::{EARTH_RADIUS_KM, GeoPoint};
pub use id::{
    ArticleId, AssignmentId, CardToken, CommandId, CustomerId, ExpertId, InvoiceId, PlanId, SubscriptionId, SurveyId,
    TicketId, UserId,
};
pub use idgen::{IdGen, SequentialIds, UuidV7Ids};
pub use money::{Currency, Money};
pub use plan::{PlanCommand, PlanEvent, PlanTerms, ServiceTargets, SupportPlan};
pub use rule::{Refused, RuleError};
pub use service::{
    AssignmentReport, BillingReport, DeadlineReport, Error, IMPORT_PAGE, ImportProgress, NOTIFICATIONS, NotifyOptions,
    NotifyReport, ProjectionReport, ReceiveReport, Replica, Service, SurveyView, WaitingTicket,
};
pub use skill::{Priority, ProductCategory, SkillLevel};
pub use staff::{StaffAccount, StaffCommand, StaffEvent, StaffRole};
pub use store::{MemoryStore, Store};
pub use stream::ShardKey;
pub use text::{AddressLine, Description, Email, MessageChannel, PersonName, Phone, PlanName, Reason, WorkNotes};
pub use ticket::{
    Alert, Assignment, Channel, CostFactor, CostTerm, Deadline, NewTicket, Outcome, Rationale, Ticket, TicketCommand,
    TicketError, TicketEvent, TicketFilter, TicketNumber, TicketState, TicketStatus, WarnAt,
};
