//! No panic crosses the boundary: every exported call runs inside [`guard`] or [`guard_sync`],
//! which turn a panic (a bug, never an expected outcome) into [`SysopsError::Internal`], the
//! typed error every host already catches. UniFFI's own panic handling would surface as an
//! untyped `InternalException` in Kotlin and PyO3's as `PanicException`, which derives from
//! `BaseException` in Python.

use crate::error::SysopsError;
use futures::FutureExt;
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The internal error for a caught panic, with its message when it has one.
fn panicked(payload: &(dyn Any + Send)) -> SysopsError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    SysopsError::Internal { detail: format!("sysops panicked (a bug; please report it): {message}") }
}

/// Runs an exported async call, turning a panic into [`SysopsError::Internal`].
pub async fn guard<T>(call: impl Future<Output = Result<T, SysopsError>>) -> Result<T, SysopsError> {
    // Unwind safety: after a panic the call's own state is dropped, and every shared structure
    // it could have touched (the store, the clock) is guarded by its own locks and transactions.
    match AssertUnwindSafe(call).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(panicked(payload.as_ref())),
    }
}

/// Runs an exported blocking call, turning a panic into [`SysopsError::Internal`].
pub fn guard_sync<T>(call: impl FnOnce() -> Result<T, SysopsError>) -> Result<T, SysopsError> {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| Err(panicked(payload.as_ref())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    #[test]
    fn a_forced_panic_becomes_the_typed_internal_error() {
        let sync = guard_sync::<()>(|| panic!("forced"));
        assert!(matches!(sync, Err(SysopsError::Internal { detail }) if detail.contains("forced")));
        let formatted = guard_sync::<()>(|| panic!("forced {}", 2));
        assert!(matches!(formatted, Err(SysopsError::Internal { detail }) if detail.contains("forced 2")));
        let future = futures::executor::block_on(guard::<()>(async { panic!("in a future") }));
        assert!(matches!(future, Err(SysopsError::Internal { detail }) if detail.contains("in a future")));
        assert_eq!(guard_sync(|| Ok(7)), Ok(7));
    }
}
