//! Injected identity: fresh ids come from an [`IdGen`], so tests can make them reproducible.

use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;

/// A source of fresh, unique UUID v7 values.
pub trait IdGen: Send + Sync {
    /// A new id, never returned before by this generator.
    fn next_uuid(&self) -> Uuid;

    /// 32 bytes no one can guess, for a secret handed out once (a survey link's token):
    /// 244 random bits from the operating system's generator, through two UUID v4 values.
    /// Every generator draws them at random, [`SequentialIds`] too: a reproducible secret
    /// would be a guessable one.
    fn next_secret(&self) -> [u8; 32] {
        let mut secret = [0u8; 32];
        let (a, b) = secret.split_at_mut(16);
        a.copy_from_slice(Uuid::new_v4().as_bytes());
        b.copy_from_slice(Uuid::new_v4().as_bytes());
        secret
    }

    /// A new id of a typed kind.
    fn next<T: From<Uuid>>(&self) -> T
    where
        Self: Sized,
    {
        T::from(self.next_uuid())
    }
}

/// Random UUID v7 values stamped with the system time, for production hosts.
#[derive(Debug, Default, Clone, Copy)]
pub struct UuidV7Ids;

impl IdGen for UuidV7Ids {
    fn next_uuid(&self) -> Uuid {
        Uuid::now_v7()
    }
}

/// Reproducible, strictly increasing UUID v7 values for tests: the same seed gives the same ids.
///
/// ```
/// use sysops_core::{IdGen, SequentialIds};
/// let a = SequentialIds::new(7);
/// let b = SequentialIds::new(7);
/// assert_eq!(a.next_uuid(), b.next_uuid());
/// assert!(a.next_uuid() < a.next_uuid());
/// assert_eq!(a.next_uuid().get_version_num(), 7);
/// ```
#[derive(Debug)]
pub struct SequentialIds {
    seed: u64,
    counter: AtomicU64,
}

impl SequentialIds {
    /// Epoch of the generated timestamps: 2026-01-01T00:00:00Z in Unix milliseconds.
    const BASE_MILLIS: u64 = 1_767_225_600_000;

    /// A generator whose ids depend only on `seed` and on how many were taken.
    pub fn new(seed: u64) -> Self {
        Self { seed, counter: AtomicU64::new(0) }
    }
}

impl IdGen for SequentialIds {
    fn next_uuid(&self) -> Uuid {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut rand = [0u8; 10];
        let (hi, lo) = rand.split_at_mut(2);
        hi.copy_from_slice(&(self.seed as u16).to_be_bytes());
        lo.copy_from_slice(&n.to_be_bytes());
        uuid::Builder::from_unix_timestamp_millis(Self::BASE_MILLIS + n, &rand).into_uuid()
    }
}

impl<G: IdGen + ?Sized> IdGen for std::sync::Arc<G> {
    fn next_uuid(&self) -> Uuid {
        (**self).next_uuid()
    }

    fn next_secret(&self) -> [u8; 32] {
        (**self).next_secret()
    }
}
