//! Query text both SQL backends share, one file per domain.

pub(crate) mod assignment;
pub(crate) mod billing;
pub(crate) mod expert;
pub(crate) mod ticket;
