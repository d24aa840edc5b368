//! With the `python` feature: what the Python package shares with this crate: the exception
//! hierarchy, lenient argument conversion that keeps every user-caused error inside it,
//! constructors for the records with numeric fields, list-like pages, and a readable `repr()`
//! for every record, for notebooks and logs.

use pyo3::BoundObject;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;

/// `repr(record)` is its Rust debug form (the records with their own `#[pymethods]` below
/// define it there), e.g. `GeoPoint { lat: 41.88, lon: -87.63 }`.
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
    crate::Article,
    crate::ArticleContent,
    crate::ArticleHit,
    crate::ArticleRevision,
    crate::DiffLine,
    crate::RevisionInfo,
    crate::SearchResults,
    crate::SnippetPart,
    crate::Assignment,
    crate::AssignmentReport,
    crate::CostTerm,
    crate::Customer,
    crate::Expert,
    crate::Offer,
    crate::OutboxEntry,
    crate::Outcome,
    crate::Rationale,
    crate::ServiceHours,
    crate::ServiceTargets,
    crate::StaffAccount,
    crate::StaffChange,
    crate::StaffEvent,
    crate::SupportPlan,
    crate::Ticket,
    crate::TicketChange,
    crate::TicketEvent,
    crate::TicketState,
    crate::TicketWait,
    crate::Message,
    crate::Delivery,
    crate::Template,
    crate::NotifyOptions,
    crate::NotifyReport,
    crate::DeadlineReport,
    crate::SurveyView,
    crate::TimeOff,
    crate::WaitingTicket,
    crate::WeeklyHours,
    crate::WorkWindow,
    crate::QuarantinedRecord,
    crate::RecordAudit,
    crate::AdminAction,
    crate::BillingReport,
    crate::CardOnFile,
    crate::Declined,
    crate::Invoice,
    crate::InvoiceLine,
    crate::InvoicePage,
    crate::PaymentAttempt,
    crate::PlanSpan,
    crate::Refund,
    crate::RotationReport,
    crate::Subscription,
);

// --- exceptions: every failure is a `sysops.SysopsError` subclass with the data as attributes ---

create_exception!(sysops, SysopsError, PyException, "Base class of every error sysops raises.");
create_exception!(
    sysops,
    InvalidInputError,
    SysopsError,
    "An argument is malformed; `field` and `reason` say which and why."
);
create_exception!(sysops, NotFoundError, SysopsError, "No such record; `kind` and `id` say which.");
create_exception!(
    sysops,
    ForbiddenError,
    SysopsError,
    "The actor may not do this; `action` and `reason` say what and why."
);
create_exception!(
    sysops,
    InvalidTransitionError,
    SysopsError,
    "The ticket's workflow does not allow this now; `ticket`, `status` and `action` say why."
);
create_exception!(sysops, RuleViolatedError, SysopsError, "A business rule refused the command; `rule` names it.");
create_exception!(sysops, ConflictError, SysopsError, "Someone changed the same record first: reload and retry.");
create_exception!(
    sysops,
    BusyError,
    SysopsError,
    "The store is at capacity: nothing came free within the wait limit, nothing was written; retry."
);
create_exception!(sysops, SyncError, SysopsError, "A sync message cannot be used (nothing applied); see `fault`.");
create_exception!(sysops, StorageError, SysopsError, "The database failed or cannot be opened.");
create_exception!(sysops, ClosedError, SysopsError, "The handle was closed.");
create_exception!(
    sysops,
    InternalError,
    SysopsError,
    "A stored record cannot be read (it is quarantined), or sysops hit a bug; report it."
);

/// A [`SysopsError`](crate::SysopsError) on its way to Python (the orphan rule forbids
/// converting it directly in the Python crate).
pub struct Failure(pub crate::SysopsError);

impl From<crate::SysopsError> for Failure {
    fn from(error: crate::SysopsError) -> Self {
        Failure(error)
    }
}

impl From<Failure> for PyErr {
    fn from(Failure(error): Failure) -> PyErr {
        use crate::SysopsError as Error;
        let message = error.to_string();
        Python::attach(|py| {
            let text = |value: String| attribute(py, value);
            let (err, attributes): (PyErr, Vec<(&str, Bound<'_, PyAny>)>) = match error {
                Error::InvalidInput { field, reason } => {
                    (InvalidInputError::new_err(message), vec![("field", text(field)), ("reason", text(reason))])
                }
                Error::NotFound { kind, id } => {
                    (NotFoundError::new_err(message), vec![("kind", text(kind)), ("id", text(id))])
                }
                Error::Forbidden { action, reason, actual_role, .. } => (
                    ForbiddenError::new_err(message),
                    vec![
                        ("action", attribute(py, action)),
                        ("reason", attribute(py, reason)),
                        ("actual_role", attribute(py, actual_role)),
                    ],
                ),
                Error::InvalidTransition { ticket, status, action, .. } => (
                    InvalidTransitionError::new_err(message),
                    vec![
                        ("ticket", text(ticket)),
                        ("status", attribute(py, status)),
                        ("action", attribute(py, action)),
                    ],
                ),
                Error::RuleViolated { rule, .. } => {
                    (RuleViolatedError::new_err(message), vec![("rule", attribute(py, rule))])
                }
                Error::Conflict { .. } => (ConflictError::new_err(message), vec![]),
                Error::Busy { .. } => (BusyError::new_err(message), vec![]),
                Error::Sync { fault, .. } => (SyncError::new_err(message), vec![("fault", attribute(py, fault))]),
                Error::Storage { .. } => (StorageError::new_err(message), vec![]),
                Error::Closed => (ClosedError::new_err(message), vec![]),
                Error::Internal { .. } => (InternalError::new_err(message), vec![]),
            };
            let value = err.value(py);
            for (name, attribute) in attributes {
                // Exception instances always accept attributes; a failure here would only lose detail.
                let _ = value.setattr(name, attribute);
            }
            err
        })
    }
}

/// `value` as a Python exception attribute (texts, and the typed codes as their enums).
fn attribute<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> Bound<'py, PyAny> {
    match value.into_pyobject(py) {
        Ok(object) => object.into_any().into_bound(),
        Err(_) => py.None().into_bound(py),
    }
}

/// Adds the exception classes to the module.
pub fn register_exceptions(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("SysopsError", py.get_type::<SysopsError>())?;
    module.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    module.add("NotFoundError", py.get_type::<NotFoundError>())?;
    module.add("ForbiddenError", py.get_type::<ForbiddenError>())?;
    module.add("InvalidTransitionError", py.get_type::<InvalidTransitionError>())?;
    module.add("RuleViolatedError", py.get_type::<RuleViolatedError>())?;
    module.add("ConflictError", py.get_type::<ConflictError>())?;
    module.add("BusyError", py.get_type::<BusyError>())?;
    module.add("SyncError", py.get_type::<SyncError>())?;
    module.add("StorageError", py.get_type::<StorageError>())?;
    module.add("ClosedError", py.get_type::<ClosedError>())?;
    module.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}

// --- loose arguments: a value of the right Python type that sysops cannot take is an
// `InvalidInputError`, never a bare ValueError or OverflowError; a wrong type stays TypeError ---

/// `extract(obj)`, with any error but a `TypeError` turned into `InvalidInputError` for `field`.
fn loose<'py, T>(
    field: &str,
    obj: &Bound<'py, PyAny>,
    extract: impl FnOnce(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<T> {
    extract(obj).map_err(|e| {
        if e.is_instance_of::<PyTypeError>(obj.py()) {
            e
        } else {
            Failure(crate::SysopsError::InvalidInput { field: field.to_owned(), reason: e.to_string() }).into()
        }
    })
}

/// A Python `int` as `i64`; one that does not fit is `InvalidInputError`.
pub fn int(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    loose(field, obj, |o| o.extract::<i64>())
}

/// A Python `int` as `u64`; a negative or huge one is `InvalidInputError`.
pub fn unsigned(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    loose(field, obj, |o| o.extract::<u64>())
}

/// A Python `float` (or `int`) as `f64`; an `int` too large for a float is `InvalidInputError`.
pub fn real(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    loose(field, obj, |o| o.extract::<f64>())
}

/// A `decimal.Decimal` (or `int`, or its text); NaN, infinities and values beyond 28 digits
/// are `InvalidInputError`.
pub fn decimal(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<rust_decimal::Decimal> {
    loose(field, obj, |o| o.extract::<rust_decimal::Decimal>())
}

/// A `datetime.timedelta` as a duration.
pub fn duration(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<chrono::TimeDelta> {
    loose(field, obj, |o| o.extract::<chrono::TimeDelta>())
}

/// An aware `datetime.datetime` in any time zone, as the same instant in UTC. A naive one is
/// `InvalidInputError` (sysops cannot guess its zone); so is one outside the accepted range
/// (1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z), checked by the call it is passed to.
pub fn instant(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<crate::Timestamp> {
    let py = obj.py();
    let datetime = obj
        .cast::<pyo3::types::PyDateTime>()
        .map_err(|_| PyTypeError::new_err(format!("{field}: expected a datetime.datetime, got {}", type_name(obj))))?;
    let naive = datetime.call_method0("utcoffset")?.is_none();
    if naive {
        return Err(Failure(crate::SysopsError::InvalidInput {
            field: field.to_owned(),
            reason: "a naive datetime has no time zone; pass an aware one, e.g. datetime(2026, 7, 1, 9, tzinfo=timezone.utc)"
                .to_owned(),
        })
        .into());
    }
    let utc = pyo3::types::PyTzInfo::utc(py)?;
    loose(field, obj, |o| o.call_method1("astimezone", (utc,))?.extract::<crate::Timestamp>())
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned())
}

// --- constructors of the records with numeric fields, through the loose arguments above ---

#[pymethods]
impl crate::GeoPoint {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    fn py_new(lat: &Bound<'_, PyAny>, lon: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(crate::GeoPoint { lat: real("lat", lat)?, lon: real("lon", lon)? })
    }
}

#[pymethods]
impl crate::Money {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    fn py_new(amount: &Bound<'_, PyAny>, currency: crate::Currency) -> PyResult<Self> {
        Ok(crate::Money { amount: decimal("amount", amount)?, currency })
    }
}

#[pymethods]
impl crate::Skill {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    fn py_new(category: crate::ProductCategory, level: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(crate::Skill { category, level: int("level", level)? })
    }
}

#[pymethods]
impl crate::ExpertProfile {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    #[pyo3(signature = (name, skills, base, radius_km, hours, capacity, phone = None))]
    fn py_new(
        name: String,
        skills: Vec<crate::Skill>,
        base: crate::GeoPoint,
        radius_km: &Bound<'_, PyAny>,
        hours: crate::WeeklyHours,
        capacity: &Bound<'_, PyAny>,
        phone: Option<String>,
    ) -> PyResult<Self> {
        Ok(crate::ExpertProfile {
            name,
            skills,
            base,
            radius_km: int("radius_km", radius_km)?,
            hours,
            capacity: int("capacity", capacity)?,
            phone,
        })
    }
}

#[pymethods]
impl crate::Contact {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    #[pyo3(signature = (name, email, phone, prefers = crate::MessageChannel::Email))]
    fn py_new(name: String, email: String, phone: String, prefers: crate::MessageChannel) -> Self {
        crate::Contact { name, email, phone, prefers }
    }
}

#[pymethods]
impl crate::PlanTerms {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    #[pyo3(signature = (name, monthly_fee, categories, priority, targets, hours, escalation = None))]
    fn py_new(
        name: String,
        monthly_fee: crate::Money,
        categories: Vec<crate::ProductCategory>,
        priority: crate::Priority,
        targets: crate::ServiceTargets,
        hours: crate::ServiceHours,
        escalation: Option<String>,
    ) -> Self {
        crate::PlanTerms { name, monthly_fee, categories, priority, targets, hours, escalation }
    }
}

#[pymethods]
impl crate::NewTicket {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    fn py_new(
        category: crate::ProductCategory,
        description: String,
        required_level: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        Ok(crate::NewTicket { category, description, required_level: int("required_level", required_level)? })
    }
}

#[pymethods]
impl crate::CostWeights {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    fn py_new(
        distance_per_km: &Bound<'_, PyAny>,
        load: &Bound<'_, PyAny>,
        overqualification_per_level: &Bound<'_, PyAny>,
        rating_per_missing_star: &Bound<'_, PyAny>,
        fairness: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        Ok(crate::CostWeights {
            distance_per_km: real("distance_per_km", distance_per_km)?,
            load: real("load", load)?,
            overqualification_per_level: real("overqualification_per_level", overqualification_per_level)?,
            rating_per_missing_star: real("rating_per_missing_star", rating_per_missing_star)?,
            fairness: real("fairness", fairness)?,
        })
    }
}

// --- pages read like lists of their records: len(page), page[0], for t in page ---

macro_rules! sequence_of {
    ($($page:ty => $field:ident : $item:ty),+ $(,)?) => {$(
        #[pymethods]
        impl $page {
            fn __repr__(&self) -> String {
                format!("{self:?}")
            }

            fn __len__(&self) -> usize {
                self.$field.len()
            }

            fn __getitem__(&self, index: isize) -> PyResult<$item> {
                let len = self.$field.len() as isize;
                let at = if index < 0 { index + len } else { index };
                usize::try_from(at)
                    .ok()
                    .and_then(|i| self.$field.get(i))
                    .cloned()
                    .ok_or_else(|| pyo3::exceptions::PyIndexError::new_err("index out of range"))
            }

            fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                let items = pyo3::types::PyList::new(py, self.$field.clone())?;
                Ok(items.as_any().try_iter()?.into_any().unbind())
            }
        }
    )+};
}

sequence_of!(
    crate::TicketPage => tickets: crate::Ticket,
    crate::ExpertPage => experts: crate::Expert,
    crate::WaitingTickets => tickets: crate::WaitingTicket,
);

/// Gives a pyclass enum with fields a `kind` property: the variant's name, so Python code can
/// branch on `state.kind == "Assigned"` instead of a chain of `isinstance` checks. The match
/// is exhaustive, so a new variant does not build until it is listed.
macro_rules! variant_kind {
    ($name:ident { $($variant:ident),+ $(,)? }) => {
        #[pyo3::pymethods]
        impl $name {
            /// The variant's name.
            #[getter]
            fn kind(&self) -> &'static str {
                match self {
                    $($name::$variant { .. } => stringify!($variant)),+
                }
            }
        }
    };
}
pub(crate) use variant_kind;

// --- billing: the objects that hold a card number or a key, which never show it ---

#[pymethods]
impl crate::Card {
    /// `repr()` shows the brand, the last four digits and the expiry, never the number.
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    #[pyo3(signature = (number, expiry_year, expiry_month, holder, cvv = None))]
    fn py_new(
        number: &str,
        expiry_year: &Bound<'_, PyAny>,
        expiry_month: &Bound<'_, PyAny>,
        holder: String,
        cvv: Option<String>,
    ) -> PyResult<Self> {
        let (year, month) = (int("expiry_year", expiry_year)?, int("expiry_month", expiry_month)?);
        Ok(crate::Card::parse(number, year, month, holder, cvv).map_err(Failure)?)
    }

    /// The card's network.
    #[getter(brand)]
    fn py_brand(&self) -> crate::CardBrand {
        self.brand()
    }

    /// The last four digits.
    #[getter(last4)]
    fn py_last4(&self) -> String {
        self.last4()
    }
}

#[pymethods]
impl crate::CardKey {
    /// `repr()` shows the key's id, never its bytes.
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    #[new]
    fn py_new(id: &str, key: &[u8]) -> PyResult<Self> {
        Ok(crate::CardKey::parse(id, key).map_err(Failure)?)
    }
}

#[pymethods]
impl crate::SimulatedGateway {
    fn __repr__(&self) -> String {
        format!("SimulatedGateway(charges={}, refunds={})", self.inner.charges().len(), self.inner.refunds().len())
    }

    #[new]
    fn py_new() -> Self {
        crate::SimulatedGateway::default()
    }

    /// What the next new charges of `card` do, in order; the last step repeats.
    #[pyo3(name = "script", signature = (card, steps, decline_reason = "card declined".to_owned()))]
    fn py_script(&self, card: &crate::Card, steps: Vec<crate::Simulated>, decline_reason: String) -> PyResult<()> {
        Ok(self.script_card(card, steps, decline_reason).map_err(Failure)?)
    }

    /// How many charges it made.
    #[getter(charges)]
    fn py_charges(&self) -> u64 {
        self.charges()
    }

    /// How many refunds it made.
    #[getter(refunds)]
    fn py_refunds(&self) -> u64 {
        self.refunds()
    }
}

/// What a gateway written in Python reads of a charge; `repr()` never shows the number.
#[pymethods]
impl crate::ChargeRequest {
    fn __repr__(&self) -> String {
        format!("{self:?}")
    }

    /// The idempotency key, the same for every call about one attempt.
    #[getter(key)]
    fn py_key(&self) -> String {
        self.key()
    }

    /// How much to charge.
    #[getter(amount)]
    fn py_amount(&self) -> crate::Money {
        self.amount()
    }

    /// The card number, digits only: send it to the provider, never log or keep it.
    #[pyo3(name = "number")]
    fn py_number(&self) -> String {
        self.number()
    }

    /// The card's expiry year.
    #[getter(expiry_year)]
    fn py_expiry_year(&self) -> u32 {
        self.expiry_year()
    }

    /// The card's expiry month, 1–12.
    #[getter(expiry_month)]
    fn py_expiry_month(&self) -> u32 {
        self.expiry_month()
    }

    /// The card's network.
    #[getter(card_brand)]
    fn py_card_brand(&self) -> crate::CardBrand {
        self.card_brand()
    }

    /// The card's last four digits.
    #[getter(card_last4)]
    fn py_card_last4(&self) -> String {
        self.card_last4()
    }
}
