//! The expert's phone: an offline-first replica of what the expert may see, kept in step with
//! the server by a sans-IO sync protocol (UC-3 from the field).
//!
//! The phone holds a copy of the expert's offers and tickets, the customers those visits are
//! for, and the knowledge-base articles of the expert's skills. The expert works on the copy:
//! each command (accept, reject, start, complete, link the articles that solved it) is decided
//! on the phone at once, with the same rules and typed errors as on the server, and kept in a
//! durable outbound queue. The host carries bytes; sysops writes and reads them. One exchange:
//!
//! 1. the phone writes a [`Request`]: its [`Cursor`] (the version of every record it holds),
//!    its queued commands and how many records it takes in one page;
//! 2. the server ([`Service::serve_sync`](crate::Service::serve_sync), or
//!    [`submit_commands`](crate::Service::submit_commands) and
//!    [`changes_for`](crate::Service::changes_for) apart) decides each queued command against
//!    its own state, once per [`CommandId`](crate::CommandId), and answers with each command's
//!    [`Verdict`] and a [`Page`] of what the phone lacks;
//! 3. the phone applies the answer: applied commands leave the queue once the server's copy
//!    shows them, refused ones leave it with their [`Refusal`] for the app to show, and every
//!    record in the page replaces the phone's older copy. The phone's view of a ticket is the
//!    server's copy with the commands still queued applied on top, so a refusal rolls the
//!    ticket back to what the server says.
//!
//! Repeat while [`Page::more`]. A cursor is built from what the phone holds, so a sync that was
//! cut off resumes where it stopped, and an answer applied twice changes nothing the second
//! time.
//!
//! # Trust model
//!
//! - **The host authenticates, sysops authorizes.** The server's host checks who is calling
//!   (its HTTPS API behind the gateway, ADR-12) and passes that expert as the [`Actor`](crate::Actor);
//!   sysops never trusts an expert id written in a message. A request naming another expert
//!   than its caller is refused.
//! - **A device cannot widen what it sees.** The server computes what an expert may see from
//!   its own state on every exchange: the tickets whose current expert they are (offered,
//!   accepted, in progress, waiting on the customer, completed), each with only the expert's
//!   own assignment attempts, the contact and address of those tickets' customers (never their
//!   plan, billing or card data), the expert's own account, and the articles of their skills.
//!   A cursor naming other records only gets them dropped from the phone.
//! - **A device cannot do what its actor may not.** Every queued command is decided again on
//!   the server, as the expert, against the authoritative state; the phone's decision is a
//!   preview.
//! - **Bad or replayed messages change nothing.** Messages are bounded ([`MAX_MESSAGE_BYTES`]),
//!   versioned ([`PROTOCOL`]; older versions are read, newer ones refused with
//!   [`SyncError::NewerProtocol`]) and checked whole before anything is written: an answer for
//!   another expert, a record outside the expert's view, an event out of its stream, or an
//!   answer to a request that is not the phone's latest ([`SyncError::Stale`]: a replay, a
//!   duplicate, or a late delivery) is a typed error. A command batch sent twice is answered
//!   twice from the same receipts and applied once ([`CommandReceipt`]).

mod command;
mod error;
mod message;
mod receipt;
mod store;
mod view;

pub use command::{CommandVerdict, PhoneCommand, QueuedCommand, Refusal, RefusedCommand, Verdict};
pub use error::SyncError;
pub(crate) use message::v1_answer;
pub use message::{
    Answer, Cursor, DEFAULT_PAGE, MAX_COMMANDS, MAX_MESSAGE_BYTES, MAX_PAGE, OLDEST_PROTOCOL, PROTOCOL, Page, Request,
    decode_answer, decode_request,
};
pub use receipt::{CommandReceipt, ReceiptEvent};
pub use store::{Pending, ReplicaData, ReplicaStore, ReplicaWrite};
pub use view::{CustomerCard, seen_by};
