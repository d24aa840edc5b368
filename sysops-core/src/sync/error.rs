//! Why a sync message is refused: each a typed error that changes nothing.

use uuid::Uuid;

/// A sync message that cannot be used. Nothing was applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// Written by a newer library than this one: update the app (or the server).
    #[error("a sync message of protocol {found}; this library reads up to {supported}")]
    NewerProtocol {
        /// The message's protocol version.
        found: u32,
        /// The newest this library reads ([`super::PROTOCOL`]).
        supported: u32,
    },
    /// Not a sync message, larger than [`super::MAX_MESSAGE_BYTES`], or inconsistent.
    #[error("not a usable sync message: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An answer to another request than the phone's latest: a replay, a duplicate or a late
    /// delivery. Ask again ([`Replica::request`](crate::Replica::request)).
    #[error("an answer to request {request}, which is not this phone's latest")]
    Stale {
        /// The request the answer claims to answer.
        request: Uuid,
    },
    /// The message holds something its expert may not see, or is for another expert: it was
    /// tampered with, or sent to the wrong phone.
    #[error("a sync message with {what} outside its expert's view")]
    OutsideView {
        /// What was out of place.
        what: &'static str,
    },
    /// The phone's store belongs to another expert.
    #[error("this replica belongs to another expert")]
    OtherExpert,
}

impl SyncError {
    pub(crate) fn malformed(reason: &'static str) -> Self {
        SyncError::Malformed { reason }
    }
}
