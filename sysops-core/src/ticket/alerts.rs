//! Deadline alerts: a ticket nearing its response or resolution deadline (a share of the
//! target used up) and a ticket past one, each recorded once per time the ticket is open.

use super::{Ticket, TicketEvent, TicketStatus};
use crate::error::ValidationError;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Which of a ticket's deadlines.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Deadline {
    /// An expert must have accepted the ticket by then ([`Ticket::respond_by`]).
    Response,
    /// The work must be completed by then ([`Ticket::resolve_by`]).
    Resolution,
}

impl Deadline {
    /// The stable name shown (`response`, `resolution`).
    pub fn as_str(self) -> &'static str {
        match self {
            Deadline::Response => "response",
            Deadline::Resolution => "resolution",
        }
    }
}

/// What a deadline alert says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Alert {
    /// The share of the target set for warnings is used up.
    Nearing,
    /// The deadline has passed.
    Breached,
}

/// How much of a target is used up when a ticket counts as nearing its deadline: 1–99 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct WarnAt(u8);

impl WarnAt {
    /// Checks the share, in percent.
    pub fn percent(percent: u8) -> Result<Self, ValidationError> {
        if (1..=99).contains(&percent) {
            Ok(Self(percent))
        } else {
            Err(ValidationError::OutOfRange { field: "warn_at_percent", value: i64::from(percent), min: 1, max: 99 })
        }
    }

    /// The share in percent.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for WarnAt {
    /// 80 %.
    fn default() -> Self {
        Self(80)
    }
}

impl TryFrom<u8> for WarnAt {
    type Error = ValidationError;
    fn try_from(percent: u8) -> Result<Self, ValidationError> {
        Self::percent(percent)
    }
}

impl From<WarnAt> for u8 {
    fn from(share: WarnAt) -> u8 {
        share.0
    }
}

impl Ticket {
    /// The deadlines that still bind the ticket in its state: the response deadline until an
    /// expert accepts, the resolution deadline until the work is completed (neither while it
    /// waits on the customer: its clock stands still).
    fn binding(&self) -> &'static [Deadline] {
        match self.status() {
            TicketStatus::Open | TicketStatus::Assigned => &[Deadline::Response, Deadline::Resolution],
            TicketStatus::Accepted | TicketStatus::InProgress => &[Deadline::Resolution],
            _ => &[],
        }
    }

    fn target(&self, deadline: Deadline) -> TimeDelta {
        match deadline {
            Deadline::Response => self.targets.respond_within,
            Deadline::Resolution => self.targets.resolve_within,
        }
    }

    /// When `deadline` falls due and when the ticket nears it (`warn_at` of its target used
    /// up), on the ticket's service hours from when it last became open, its waits left out.
    pub fn deadline_times(&self, deadline: Deadline, warn_at: WarnAt) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let target = self.target(deadline);
        let share = target * i32::from(warn_at.get()) / 100;
        let due = self.hours.due(self.zone, self.open_since, target, &self.pauses).ok()??;
        let near = self.hours.due(self.zone, self.open_since, share, &self.pauses).ok()??;
        Some((near, due))
    }

    /// The alerts due at `now` that the ticket has not recorded since it last became open:
    /// for each binding deadline, nearing once `warn_at` of its target is used up, breached
    /// once it has passed (nearing first when both are due, so the escalation contact always
    /// hears).
    pub fn deadline_alerts(&self, now: DateTime<Utc>, warn_at: WarnAt) -> Vec<TicketEvent> {
        let mut alerts = Vec::new();
        for &deadline in self.binding() {
            let Some((near, due)) = self.deadline_times(deadline, warn_at) else { continue };
            if now >= near && !self.alerted.contains(&(deadline, Alert::Nearing)) {
                alerts.push(TicketEvent::DeadlineNearing { deadline, due });
            }
            if now > due && !self.alerted.contains(&(deadline, Alert::Breached)) {
                alerts.push(TicketEvent::DeadlineBreached { deadline, due });
            }
        }
        alerts
    }
}
