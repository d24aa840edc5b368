# Hand-written stubs of the native module; `python -m mypy.stubtest sysops._sysops` keeps them honest.
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import TracebackType
from os import PathLike
from typing import Any, Callable, ClassVar, Iterator, Optional, Union, final

from typing_extensions import Self, TypeAlias, disjoint_base

from . import Notifier, PaymentGateway

__all__ = [
    'Action', 'Actor', 'Address', 'AdminAction', 'Article', 'ArticleContent', 'ArticleHit', 'ArticleRevision',
    'DiffLine', 'DiffOp', 'RevisionInfo', 'SearchResults', 'ArticleSyncReport', 'CustomerResults', 'TicketResults', 'LookupKind', 'SnippetPart', 'Assignment', 'AssignmentReport', 'BillingReport', 'Card', 'ChargeAnswer', 'ChargeRequest', 'RefundRequest',
    'BusyError', 'CardBrand', 'CardKey', 'CardOnFile', 'Channel', 'ClosedError', 'ConflictError', 'Declined', 'Invoice',
    'InvoiceLine', 'InvoicePage', 'InvoiceStatus', 'PaymentAttempt', 'PlanSpan', 'Refund', 'RotationReport',
    'Simulated', 'SimulatedGateway', 'Subscription',
    'Contact', 'CostFactor', 'CostTerm', 'CostWeights', 'Currency', 'Customer', 'DenyReason', 'Expert',
    'ExpertPage', 'ExpertProfile', 'ForbiddenError', 'GeoPoint', 'InternalError', 'InvalidInputError',
    'InvalidTransitionError', 'Money', 'NewTicket', 'NotFoundError', 'Offer', 'OutboxEntry',
    'Outcome', 'PlanTerms', 'Priority', 'ProductCategory', 'QuarantinedRecord', 'Rationale',
    'RecordAudit', 'RecordKind', 'Role', 'Rule', 'RuleViolatedError',
    'ServiceHours', 'ServiceTargets', 'Skill', 'StaffAccount', 'StaffChange', 'StaffEvent', 'StaffRole',
    'StorageError', 'SupportPlan', 'Sysops', 'SysopsError', 'Ticket', 'TicketChange', 'TicketEvent',
    'TicketPage', 'TicketState', 'TicketStatus', 'TicketWait', 'TimeOff', 'WaitReason',
    'WaitingTicket', 'WaitingTickets',
    'Weekday', 'WeeklyHours', 'WorkWindow', 'default_cost_weights', 'product_category_name', 'product_category_named',
    'system_actor',
    'Deadline', 'DeadlineReport', 'SurveyView', 'Delivery', 'DeliveryStatus', 'Message', 'MessageChannel', 'MessageKind',
    'NotifyOptions', 'NotifyReport', 'StopSignal', 'Template', 'default_notify_options', 'template_facts',
    'ProjectionReport', 'TicketingReport', 'TicketingRow', 'ExpertReport', 'ExpertRow', 'FinancialReport',
    'FinancialRow',
    'Replica', 'CustomerCard', 'PhoneCommand', 'QueuedCommand', 'Refusal', 'RefusedCommand', 'SyncError', 'SyncFault',
    'SyncReport',
]

_Id: TypeAlias = Union[uuid.UUID, str]
"""A record id: a `uuid.UUID` or its text."""

# --- errors ---------------------------------------------------------------------------

class SysopsError(Exception):
    """Base class of every error sysops raises.

    Every error a caller can cause is a subclass, except ``TypeError`` for an argument of the
    wrong Python type (a ``str`` where an ``int`` belongs). A failed call changed nothing
    (except ``run_assignment``, which keeps the expiries it committed before failing).
    """

class InvalidInputError(SysopsError):
    """An argument is malformed; ``field`` and ``reason`` say which and why.

    Among the rules: times are aware ``datetime`` objects in any zone (converted to UTC; a
    naive one is refused) between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z;
    integers must fit the field's range (an ``int`` beyond 64 bits is refused here, not with
    ``OverflowError``); ``CostWeights`` are finite and within 0–100; coordinates finite,
    latitude −90–90, longitude −180–180; amounts are finite decimals of at most 28 digits;
    skill levels 1–5, capacity 1–50, radius 1–1000 km; names and address lines 1–200
    characters, plan names 1–100, reasons 1–2,000, descriptions and work notes 1–10,000
    (control characters other than line breaks and tabs are refused); emails at most 254
    characters, phones E.164 (``+`` and 8–15 digits); page limits at most 10,000 (more is
    capped); outbox consumer names 1–100 characters of ``a-z 0-9 _ - .``.
    """
    field: str
    reason: str

class NotFoundError(SysopsError):
    kind: str
    id: str

class ForbiddenError(SysopsError):
    """The actor may not do this. ``actual_role`` is set for ``DenyReason.ROLE_MISMATCH``.
    docs/roles.md lists which role may do what."""
    action: Action
    reason: DenyReason
    actual_role: Optional[Role]

class InvalidTransitionError(SysopsError):
    ticket: str
    status: TicketStatus
    action: Action

class RuleViolatedError(SysopsError):
    rule: Rule

class ConflictError(SysopsError): ...
class BusyError(SysopsError):
    """The store is at capacity (a load spike): no connection, or on SQLite no turn at the
    writer, came free within the handle's wait limit (``max_wait_ms`` of ``open_with``, 5,000 by
    default). Nothing was written: retry, after a short pause if it repeats; nothing needs
    restarting when the spike ends."""

class SyncError(SysopsError):
    """A phone's sync message cannot be used; nothing was applied. ``fault`` says why:
    ``NEWER_PROTOCOL`` (update the app or the server), ``MALFORMED``, ``STALE`` (it answers an
    older request: drop it and sync again), ``OUTSIDE_VIEW`` (it holds what the expert may not
    see), ``OTHER_EXPERT`` (the phone's database belongs to another expert)."""
    fault: SyncFault

class StorageError(SysopsError): ...
class ClosedError(SysopsError): ...
class InternalError(SysopsError):
    """A stored record cannot be read (it is quarantined: listings and jobs skip it and
    report it), or sysops hit a bug (a panic, caught at the boundary)."""

# --- enumerations -----------------------------------------------------------------------

class _Enum:
    def __int__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Role(_Enum):
    ADMINISTRATOR: ClassVar[Role]
    CUSTOMER: ClassVar[Role]
    HELPDESK: ClassVar[Role]
    EXPERT: ClassVar[Role]
    MANAGER: ClassVar[Role]
    SYSTEM: ClassVar[Role]

@final
class StaffRole(_Enum):
    ADMINISTRATOR: ClassVar[StaffRole]
    HELPDESK: ClassVar[StaffRole]
    MANAGER: ClassVar[StaffRole]
    EXPERT: ClassVar[StaffRole]

@final
class ProductCategory(_Enum):
    TELEVISION: ClassVar[ProductCategory]
    COMPUTER: ClassVar[ProductCategory]
    MOBILE: ClassVar[ProductCategory]
    AUDIO: ClassVar[ProductCategory]
    NETWORKING: ClassVar[ProductCategory]
    PRINTER: ClassVar[ProductCategory]
    GAME_CONSOLE: ClassVar[ProductCategory]
    CAMERA: ClassVar[ProductCategory]
    SMART_HOME: ClassVar[ProductCategory]

@final
class Priority(_Enum):
    STANDARD: ClassVar[Priority]
    HIGH: ClassVar[Priority]
    CRITICAL: ClassVar[Priority]

@final
class TicketStatus(_Enum):
    OPEN: ClassVar[TicketStatus]
    ASSIGNED: ClassVar[TicketStatus]
    ACCEPTED: ClassVar[TicketStatus]
    IN_PROGRESS: ClassVar[TicketStatus]
    WAITING_FOR_CUSTOMER: ClassVar[TicketStatus]
    COMPLETED: ClassVar[TicketStatus]
    CLOSED: ClassVar[TicketStatus]
    CANCELLED: ClassVar[TicketStatus]

@final
class MessageChannel(_Enum):
    """How a person wants to hear from the Sysops Squad."""
    EMAIL: ClassVar[MessageChannel]
    SMS: ClassVar[MessageChannel]

@final
class MessageKind(_Enum):
    """Why a message is sent: to the customer (``EXPERT_ASSIGNED``, ``WORK_STARTED``,
    ``PAYMENT_FAILED``, ``ACCOUNT_SUSPENDED``), to the expert (``OFFER_MADE``,
    ``OFFER_WITHDRAWN``: an expired offer, or a ticket cancelled with its offer pending), or to
    the plan's escalation contact (``DEADLINE_NEARING``); ``SURVEY_INVITATION`` emails the
    customer the link to a completed ticket's survey."""
    EXPERT_ASSIGNED: ClassVar[MessageKind]
    WORK_STARTED: ClassVar[MessageKind]
    OFFER_MADE: ClassVar[MessageKind]
    OFFER_WITHDRAWN: ClassVar[MessageKind]
    PAYMENT_FAILED: ClassVar[MessageKind]
    ACCOUNT_SUSPENDED: ClassVar[MessageKind]
    DEADLINE_NEARING: ClassVar[MessageKind]
    SURVEY_INVITATION: ClassVar[MessageKind]

@final
class DeliveryStatus(_Enum):
    PENDING: ClassVar[DeliveryStatus]
    SENT: ClassVar[DeliveryStatus]
    FAILED: ClassVar[DeliveryStatus]

@final
class Deadline(_Enum):
    RESPONSE: ClassVar[Deadline]
    RESOLUTION: ClassVar[Deadline]

@final
class Channel(_Enum):
    WEB: ClassVar[Channel]
    PHONE: ClassVar[Channel]

@final
class Currency(_Enum):
    USD: ClassVar[Currency]
    CAD: ClassVar[Currency]
    EUR: ClassVar[Currency]

@final
class CostFactor(_Enum):
    DISTANCE: ClassVar[CostFactor]
    LOAD: ClassVar[CostFactor]
    SKILL_LEVEL: ClassVar[CostFactor]
    RATING: ClassVar[CostFactor]
    FAIRNESS: ClassVar[CostFactor]

@final
class WaitReason(_Enum):
    NO_QUALIFIED_EXPERT_NEARBY: ClassVar[WaitReason]
    DECLINED_BY_EVERY_QUALIFIED_EXPERT: ClassVar[WaitReason]
    NO_QUALIFIED_EXPERT_ON_DUTY: ClassVar[WaitReason]
    ALL_QUALIFIED_EXPERTS_BUSY: ClassVar[WaitReason]
    AWAITING_EXPERT_ANSWER: ClassVar[WaitReason]

@final
class Action(_Enum):
    """What an actor tried to do (see docs/roles.md for who may)."""
    CREATE_STAFF_ACCOUNT: ClassVar[Action]
    CHANGE_STAFF_ROLE: ClassVar[Action]
    DEACTIVATE_STAFF_ACCOUNT: ClassVar[Action]
    REACTIVATE_STAFF_ACCOUNT: ClassVar[Action]
    VIEW_STAFF_ACCOUNT: ClassVar[Action]
    DEFINE_PLAN: ClassVar[Action]
    RETIRE_PLAN: ClassVar[Action]
    VIEW_PLAN: ClassVar[Action]
    REGISTER_CUSTOMER: ClassVar[Action]
    UPDATE_CUSTOMER_CONTACT: ClassVar[Action]
    MOVE_CUSTOMER: ClassVar[Action]
    CHANGE_CUSTOMER_PLAN: ClassVar[Action]
    VIEW_CUSTOMER: ClassVar[Action]
    REGISTER_EXPERT: ClassVar[Action]
    UPDATE_EXPERT_SKILLS: ClassVar[Action]
    UPDATE_EXPERT_SERVICE_AREA: ClassVar[Action]
    UPDATE_EXPERT_SCHEDULE: ClassVar[Action]
    ADD_EXPERT_TIME_OFF: ClassVar[Action]
    SET_EXPERT_CAPACITY: ClassVar[Action]
    SET_EXPERT_ACTIVE: ClassVar[Action]
    VIEW_EXPERT: ClassVar[Action]
    FIND_EXPERTS: ClassVar[Action]
    SUBMIT_TICKET: ClassVar[Action]
    ASSIGN_TICKET: ClassVar[Action]
    ACCEPT_ASSIGNMENT: ClassVar[Action]
    REJECT_ASSIGNMENT: ClassVar[Action]
    EXPIRE_ASSIGNMENT: ClassVar[Action]
    START_WORK: ClassVar[Action]
    COMPLETE_WORK: ClassVar[Action]
    CANCEL_TICKET: ClassVar[Action]
    CLOSE_TICKET: ClassVar[Action]
    REOPEN_TICKET: ClassVar[Action]
    WAIT_FOR_CUSTOMER: ClassVar[Action]
    REPLY_TO_TICKET: ClassVar[Action]
    VIEW_TICKET: ClassVar[Action]
    LIST_OPEN_TICKETS: ClassVar[Action]
    LIST_CUSTOMER_TICKETS: ClassVar[Action]
    LIST_EXPERT_TICKETS: ClassVar[Action]
    AUDIT_RECORDS: ClassVar[Action]
    START_SUBSCRIPTION: ClassVar[Action]
    REPLACE_CARD: ClassVar[Action]
    CANCEL_SUBSCRIPTION: ClassVar[Action]
    VIEW_BILLING: ClassVar[Action]
    RUN_BILLING: ClassVar[Action]
    RETRY_PAYMENT: ClassVar[Action]
    REFUND_PAYMENT: ClassVar[Action]
    VOID_INVOICE: ClassVar[Action]
    WRITE_OFF_INVOICE: ClassVar[Action]
    ROTATE_CARD_KEYS: ClassVar[Action]
    WRITE_ARTICLE: ClassVar[Action]
    REVISE_ARTICLE: ClassVar[Action]
    RETIRE_ARTICLE: ClassVar[Action]
    READ_ARTICLES: ClassVar[Action]
    SEARCH_CALLERS: ClassVar[Action]
    RECORD_SOLUTION: ClassVar[Action]
    SEND_NOTIFICATIONS: ClassVar[Action]
    EDIT_TEMPLATES: ClassVar[Action]
    VIEW_NOTIFICATIONS: ClassVar[Action]
    CHECK_DEADLINES: ClassVar[Action]
    ANSWER_SURVEY: ClassVar[Action]
    PROJECT_REPORTS: ClassVar[Action]
    READ_REPORTS: ClassVar[Action]

@final
class DenyReason(_Enum):
    """Why ``ForbiddenError`` refused an actor."""
    ROLE_NOT_ALLOWED: ClassVar[DenyReason]
    NOT_YOURS: ClassVar[DenyReason]
    NOT_ASSIGNED_TO_YOU: ClassVar[DenyReason]
    UNKNOWN_ACCOUNT: ClassVar[DenyReason]
    ACCOUNT_DEACTIVATED: ClassVar[DenyReason]
    ROLE_MISMATCH: ClassVar[DenyReason]
    OWN_ACCOUNT: ClassVar[DenyReason]

@final
class Rule(_Enum):
    """Which business rule ``RuleViolatedError`` names."""
    ALREADY_EXISTS: ClassVar[Rule]
    PLAN_RETIRED: ClassVar[Rule]
    NOT_AN_EXPERT_ACCOUNT: ClassVar[Rule]
    NO_CHANGE: ClassVar[Rule]
    EXPERT_EXCLUDED: ClassVar[Rule]
    OFFER_EXPIRED: ClassVar[Rule]
    DEADLINE_NOT_REACHED: ClassVar[Rule]
    REOPEN_WINDOW_CLOSED: ClassVar[Rule]
    NOT_COVERED: ClassVar[Rule]
    EXPERT_UNQUALIFIED: ClassVar[Rule]
    REAL_CLOCK: ClassVar[Rule]
    ACCOUNT_SUSPENDED: ClassVar[Rule]
    NO_ACTIVE_SUBSCRIPTION: ClassVar[Rule]
    ALREADY_SUBSCRIBED: ClassVar[Rule]
    CARD_EXPIRED: ClassVar[Rule]
    INVOICE_NOT_ACTIONABLE: ClassVar[Rule]
    REFUND_TOO_LARGE: ClassVar[Rule]
    PERIOD_NOT_ENDED: ClassVar[Rule]
    ARTICLE_RETIRED: ClassVar[Rule]
    SURVEY_LINK_INVALID: ClassVar[Rule]
    SURVEY_EXPIRED: ClassVar[Rule]
    SURVEY_ANSWERED: ClassVar[Rule]

@final
class RecordKind(_Enum):
    """The kinds of stored record, for the integrity audit."""
    PLAN: ClassVar[RecordKind]
    CUSTOMER: ClassVar[RecordKind]
    EXPERT: ClassVar[RecordKind]
    STAFF_ACCOUNT: ClassVar[RecordKind]
    TICKET: ClassVar[RecordKind]
    SUBSCRIPTION: ClassVar[RecordKind]
    INVOICE: ClassVar[RecordKind]
    ARTICLE: ClassVar[RecordKind]
    SURVEY: ClassVar[RecordKind]
    COMMAND_RECEIPT: ClassVar[RecordKind]

@final
class Weekday(_Enum):
    MONDAY: ClassVar[Weekday]
    TUESDAY: ClassVar[Weekday]
    WEDNESDAY: ClassVar[Weekday]
    THURSDAY: ClassVar[Weekday]
    FRIDAY: ClassVar[Weekday]
    SATURDAY: ClassVar[Weekday]
    SUNDAY: ClassVar[Weekday]

# --- values you build -------------------------------------------------------------------

@final
class Actor:
    """Who performs a call: a role and an account id."""
    def __new__(cls, role: Role, id: uuid.UUID) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    @property
    def role(self) -> Role: ...
    @property
    def id(self) -> uuid.UUID: ...

@final
class GeoPoint:
    def __new__(cls, lat: float, lon: float) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...

@final
class Money:
    def __new__(cls, amount: Decimal, currency: Currency) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> Currency: ...

@final
class ServiceTargets:
    def __new__(cls, answer_within: timedelta, respond_within: timedelta, resolve_within: timedelta, reopen_within: timedelta) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def answer_within(self) -> timedelta: ...
    @property
    def respond_within(self) -> timedelta: ...
    @property
    def resolve_within(self) -> timedelta: ...
    @property
    def reopen_within(self) -> timedelta: ...

@disjoint_base
class ServiceHours:
    """When a plan's response and resolution targets count: every hour, or business hours in
    the customer's time zone (``Address.time_zone``)."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> str:
        """The variant's name, e.g. ``"Business"``."""
    @final
    class AroundTheClock(ServiceHours):
        """Every hour counts (a 24/7 plan)."""
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Business(ServiceHours):
        """Only the windows count, in the customer's local time, and nothing on a holiday.
        Overlapping windows count once; one ending at 23:59 runs to midnight; at least an hour
        a week in all (else ``InvalidInput`` with field ``business_hours``); at most 1,000
        holidays."""
        __match_args__ = ("windows", "holidays")
        def __new__(cls, windows: list[WorkWindow], holidays: list[date]) -> Self: ...
        @property
        def windows(self) -> list[WorkWindow]: ...
        @property
        def holidays(self) -> list[date]: ...

@final
class PlanTerms:
    def __new__(
        cls,
        name: str,
        monthly_fee: Money,
        categories: list[ProductCategory],
        priority: Priority,
        targets: ServiceTargets,
        hours: ServiceHours,
        escalation: Optional[str] = None,
    ) -> Self:
        """``escalation``: the email address told when a ticket on the plan nears a deadline."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def name(self) -> str: ...
    @property
    def monthly_fee(self) -> Money: ...
    @property
    def categories(self) -> list[ProductCategory]: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def targets(self) -> ServiceTargets: ...
    @property
    def hours(self) -> ServiceHours: ...
    @property
    def escalation(self) -> Optional[str]: ...

@final
class Contact:
    def __new__(cls, name: str, email: str, phone: str, prefers: MessageChannel = ...) -> Self:
        """``prefers``: how they hear about their tickets and account (email unless set)."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def prefers(self) -> MessageChannel: ...

@final
class Address:
    def __new__(cls, street: str, city: str, region: str, postal_code: str, location: GeoPoint, time_zone: str) -> Self:
        """``time_zone`` is an IANA name such as ``"America/Chicago"`` (else ``InvalidInput``
        with field ``time_zone``): business-hour deadlines count in it."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def street(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def postal_code(self) -> str: ...
    @property
    def location(self) -> GeoPoint: ...
    @property
    def time_zone(self) -> str: ...

@final
class Skill:
    def __new__(cls, category: ProductCategory, level: int) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    @property
    def category(self) -> ProductCategory: ...
    @property
    def level(self) -> int: ...

@final
class WorkWindow:
    def __new__(cls, day: Weekday, start: time, end: time) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    @property
    def day(self) -> Weekday: ...
    @property
    def start(self) -> time: ...
    @property
    def end(self) -> time: ...

@final
class WeeklyHours:
    def __new__(cls, zone: str, windows: list[WorkWindow]) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def zone(self) -> str: ...
    @property
    def windows(self) -> list[WorkWindow]: ...

@final
class ExpertProfile:
    def __new__(
        cls,
        name: str,
        skills: list[Skill],
        base: GeoPoint,
        radius_km: int,
        hours: WeeklyHours,
        capacity: int,
        phone: Optional[str] = None,
    ) -> Self:
        """``phone``: the E.164 number offers are texted to (without one, the staff account's email)."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def name(self) -> str: ...
    @property
    def skills(self) -> list[Skill]: ...
    @property
    def base(self) -> GeoPoint: ...
    @property
    def radius_km(self) -> int: ...
    @property
    def hours(self) -> WeeklyHours: ...
    @property
    def capacity(self) -> int: ...
    @property
    def phone(self) -> Optional[str]: ...

@final
class NewTicket:
    def __new__(cls, category: ProductCategory, description: str, required_level: int) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def category(self) -> ProductCategory: ...
    @property
    def description(self) -> str: ...
    @property
    def required_level(self) -> int: ...

@final
class CostWeights:
    def __new__(cls, distance_per_km: float, load: float, overqualification_per_level: float, rating_per_missing_star: float, fairness: float) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def distance_per_km(self) -> float: ...
    @property
    def load(self) -> float: ...
    @property
    def overqualification_per_level(self) -> float: ...
    @property
    def rating_per_missing_star(self) -> float: ...
    @property
    def fairness(self) -> float: ...

# --- records sysops returns -------------------------------------------------------------

@final
class SupportPlan:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def terms(self) -> PlanTerms: ...
    @property
    def retired(self) -> bool: ...

@final
class Customer:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def contact(self) -> Contact: ...
    @property
    def address(self) -> Address: ...
    @property
    def plan(self) -> uuid.UUID: ...
    @property
    def registered_at(self) -> datetime: ...
    @property
    def suspended_for(self) -> Optional[uuid.UUID]:
        """The unpaid invoice the account is suspended for: no new tickets until it is settled."""

@final
class StaffAccount:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def role(self) -> StaffRole: ...
    @property
    def active(self) -> bool: ...
    @property
    def created_by(self) -> Actor: ...
    @property
    def created_at(self) -> datetime: ...

@disjoint_base
class StaffChange:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> str:
        """The variant's name, e.g. ``"RoleChanged"``."""
    @final
    class Created(StaffChange):
        __match_args__ = ("name", "email", "role")
        def __new__(cls, name: str, email: str, role: StaffRole) -> Self: ...
        @property
        def name(self) -> str: ...
        @property
        def email(self) -> str: ...
        @property
        def role(self) -> StaffRole: ...
    @final
    class RoleChanged(StaffChange):
        __match_args__ = ("old_role", "new_role")
        def __new__(cls, old_role: StaffRole, new_role: StaffRole) -> Self: ...
        @property
        def old_role(self) -> StaffRole: ...
        @property
        def new_role(self) -> StaffRole: ...
    @final
    class Deactivated(StaffChange):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Reactivated(StaffChange):
        __match_args__ = ()
        def __new__(cls) -> Self: ...

@final
class StaffEvent:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def sequence(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def by(self) -> Actor: ...
    @property
    def change(self) -> StaffChange: ...

@final
class TimeOff:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def start(self) -> datetime: ...
    @property
    def until(self) -> datetime: ...

@final
class Expert:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def profile(self) -> ExpertProfile: ...
    @property
    def time_off(self) -> list[TimeOff]: ...
    @property
    def active(self) -> bool: ...
    @property
    def surveys(self) -> int:
        """Surveys answered about their work."""
    @property
    def rating(self) -> float | None:
        """The mean satisfaction score of those surveys, 1.0–5.0 (None before the first)."""

@final
class CostTerm:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def factor(self) -> CostFactor: ...
    @property
    def value(self) -> float: ...
    @property
    def cost(self) -> float: ...

@final
class Rationale:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def total(self) -> float: ...
    @property
    def terms(self) -> list[CostTerm]: ...

@disjoint_base
class Outcome:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> str:
        """The variant's name, e.g. ``"Accepted"``."""
    @final
    class Pending(Outcome):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Accepted(Outcome):
        __match_args__ = ("at",)
        def __new__(cls, at: datetime) -> Self: ...
        @property
        def at(self) -> datetime: ...
    @final
    class Rejected(Outcome):
        __match_args__ = ("at", "reason")
        def __new__(cls, at: datetime, reason: str) -> Self: ...
        @property
        def at(self) -> datetime: ...
        @property
        def reason(self) -> str: ...
    @final
    class Expired(Outcome):
        __match_args__ = ("at",)
        def __new__(cls, at: datetime) -> Self: ...
        @property
        def at(self) -> datetime: ...
    @final
    class Withdrawn(Outcome):
        __match_args__ = ("at",)
        def __new__(cls, at: datetime) -> Self: ...
        @property
        def at(self) -> datetime: ...

@final
class Assignment:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def expert(self) -> uuid.UUID: ...
    @property
    def offered_at(self) -> datetime: ...
    @property
    def respond_by(self) -> datetime: ...
    @property
    def rationale(self) -> Optional[Rationale]: ...
    @property
    def outcome(self) -> Outcome: ...

@disjoint_base
class TicketState:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> str:
        """The variant's name, e.g. ``"Assigned"``."""
    @final
    class Open(TicketState):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Assigned(TicketState):
        __match_args__ = ("assignment", "expert", "respond_by")
        def __new__(cls, assignment: uuid.UUID, expert: uuid.UUID, respond_by: datetime) -> Self: ...
        @property
        def assignment(self) -> uuid.UUID: ...
        @property
        def expert(self) -> uuid.UUID: ...
        @property
        def respond_by(self) -> datetime: ...
    @final
    class Accepted(TicketState):
        __match_args__ = ("assignment", "expert")
        def __new__(cls, assignment: uuid.UUID, expert: uuid.UUID) -> Self: ...
        @property
        def assignment(self) -> uuid.UUID: ...
        @property
        def expert(self) -> uuid.UUID: ...
    @final
    class InProgress(TicketState):
        __match_args__ = ("assignment", "expert", "started_at")
        def __new__(cls, assignment: uuid.UUID, expert: uuid.UUID, started_at: datetime) -> Self: ...
        @property
        def assignment(self) -> uuid.UUID: ...
        @property
        def expert(self) -> uuid.UUID: ...
        @property
        def started_at(self) -> datetime: ...
    @final
    class WaitingForCustomer(TicketState):
        """Waiting on the customer since ``since``; their reply returns the ticket to
        ``resumes`` (with ``expert`` when accepted or in progress)."""
        __match_args__ = ("since", "reason", "resumes", "expert")
        def __new__(cls, since: datetime, reason: str, resumes: TicketStatus, expert: Optional[uuid.UUID]) -> Self: ...
        @property
        def since(self) -> datetime: ...
        @property
        def reason(self) -> str: ...
        @property
        def resumes(self) -> TicketStatus: ...
        @property
        def expert(self) -> Optional[uuid.UUID]: ...
    @final
    class Completed(TicketState):
        __match_args__ = ("expert", "completed_at", "notes")
        def __new__(cls, expert: uuid.UUID, completed_at: datetime, notes: str) -> Self: ...
        @property
        def expert(self) -> uuid.UUID: ...
        @property
        def completed_at(self) -> datetime: ...
        @property
        def notes(self) -> str: ...
    @final
    class Closed(TicketState):
        __match_args__ = ("closed_at",)
        def __new__(cls, closed_at: datetime) -> Self: ...
        @property
        def closed_at(self) -> datetime: ...
    @final
    class Cancelled(TicketState):
        __match_args__ = ("cancelled_at", "reason")
        def __new__(cls, cancelled_at: datetime, reason: str) -> Self: ...
        @property
        def cancelled_at(self) -> datetime: ...
        @property
        def reason(self) -> str: ...

@final
class Ticket:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def number(self) -> str:
        """What customers read out to helpdesk, ``HX4TZ-9K2M7``: ten symbols, a letter first and
        a check digit last, derived from the id; ``find_tickets`` finds it however it is typed."""
    @property
    def customer(self) -> uuid.UUID: ...
    @property
    def plan(self) -> uuid.UUID: ...
    @property
    def category(self) -> ProductCategory: ...
    @property
    def required_level(self) -> int: ...
    @property
    def description(self) -> str: ...
    @property
    def location(self) -> GeoPoint: ...
    @property
    def channel(self) -> Channel: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def targets(self) -> ServiceTargets: ...
    @property
    def submitted_at(self) -> datetime: ...
    @property
    def open_since(self) -> datetime: ...
    @property
    def respond_by(self) -> Optional[datetime]:
        """``None`` while the ticket waits on the customer: the clock stands still."""
    @property
    def resolve_by(self) -> Optional[datetime]:
        """``None`` while the ticket waits on the customer: the clock stands still."""
    @property
    def time_zone(self) -> str: ...
    @property
    def status(self) -> TicketStatus: ...
    @property
    def state(self) -> TicketState: ...
    @property
    def expert(self) -> Optional[uuid.UUID]: ...
    @property
    def assignments(self) -> list[Assignment]: ...
    @property
    def reopened(self) -> int: ...
    @property
    def solved_by(self) -> list[uuid.UUID]:
        """The knowledge-base articles recorded as having solved it (``record_solution``)."""
    @property
    def version(self) -> int: ...

@disjoint_base
class TicketChange:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> str:
        """The variant's name, e.g. ``"Submitted"``."""
    @final
    class Submitted(TicketChange):
        __match_args__ = ("customer", "category", "description", "channel")
        def __new__(cls, customer: uuid.UUID, category: ProductCategory, description: str, channel: Channel) -> Self: ...
        @property
        def customer(self) -> uuid.UUID: ...
        @property
        def category(self) -> ProductCategory: ...
        @property
        def description(self) -> str: ...
        @property
        def channel(self) -> Channel: ...
    @final
    class Assigned(TicketChange):
        __match_args__ = ("assignment", "expert", "respond_by")
        def __new__(cls, assignment: uuid.UUID, expert: uuid.UUID, respond_by: datetime) -> Self: ...
        @property
        def assignment(self) -> uuid.UUID: ...
        @property
        def expert(self) -> uuid.UUID: ...
        @property
        def respond_by(self) -> datetime: ...
    @final
    class Accepted(TicketChange):
        __match_args__ = ("assignment",)
        def __new__(cls, assignment: uuid.UUID) -> Self: ...
        @property
        def assignment(self) -> uuid.UUID: ...
    @final
    class Rejected(TicketChange):
        __match_args__ = ("assignment", "reason")
        def __new__(cls, assignment: uuid.UUID, reason: str) -> Self: ...
        @property
        def assignment(self) -> uuid.UUID: ...
        @property
        def reason(self) -> str: ...
    @final
    class Expired(TicketChange):
        __match_args__ = ("assignment",)
        def __new__(cls, assignment: uuid.UUID) -> Self: ...
        @property
        def assignment(self) -> uuid.UUID: ...
    @final
    class WorkStarted(TicketChange):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Completed(TicketChange):
        __match_args__ = ("notes",)
        def __new__(cls, notes: str) -> Self: ...
        @property
        def notes(self) -> str: ...
    @final
    class Cancelled(TicketChange):
        __match_args__ = ("reason",)
        def __new__(cls, reason: str) -> Self: ...
        @property
        def reason(self) -> str: ...
    @final
    class Closed(TicketChange):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Reopened(TicketChange):
        __match_args__ = ("reason",)
        def __new__(cls, reason: str) -> Self: ...
        @property
        def reason(self) -> str: ...
    @final
    class WaitingForCustomer(TicketChange):
        __match_args__ = ("reason",)
        def __new__(cls, reason: str) -> Self: ...
        @property
        def reason(self) -> str: ...
    @final
    class CustomerReplied(TicketChange):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class SolutionRecorded(TicketChange):
        __match_args__ = ("articles",)
        def __new__(cls, articles: list[uuid.UUID]) -> Self: ...
        @property
        def articles(self) -> list[uuid.UUID]: ...
    @final
    class DeadlineNearing(TicketChange):
        __match_args__ = ("deadline", "due")
        def __new__(cls, deadline: Deadline, due: datetime) -> Self: ...
        @property
        def deadline(self) -> Deadline: ...
        @property
        def due(self) -> datetime: ...
    @final
    class DeadlineBreached(TicketChange):
        __match_args__ = ("deadline", "due")
        def __new__(cls, deadline: Deadline, due: datetime) -> Self: ...
        @property
        def deadline(self) -> Deadline: ...
        @property
        def due(self) -> datetime: ...

@final
class TicketEvent:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def sequence(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def by(self) -> Actor: ...
    @property
    def name(self) -> str: ...
    @property
    def change(self) -> TicketChange: ...

@final
class Offer:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def ticket(self) -> uuid.UUID: ...
    @property
    def expert(self) -> uuid.UUID: ...
    @property
    def rationale(self) -> Rationale: ...

@final
class TicketWait:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def ticket(self) -> uuid.UUID: ...
    @property
    def reason(self) -> WaitReason: ...

@final
class AssignmentReport:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def expired(self) -> list[uuid.UUID]: ...
    @property
    def offers(self) -> list[Offer]: ...
    @property
    def waiting(self) -> list[TicketWait]: ...
    @property
    def contended(self) -> bool: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]:
        """Stored tickets and experts the job could not read and skipped."""

@final
class WaitingTicket:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def ticket(self) -> Ticket: ...
    @property
    def overdue_by(self) -> timedelta: ...
    @property
    def reason(self) -> WaitReason: ...

@final
class QuarantinedRecord:
    """A stored record that cannot be read (left by a buggy older version or a hand edit).

    Listings and the assignment job skip it and report it here; reading it alone raises
    `InternalError` naming it.
    """
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> RecordKind: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def problem(self) -> str: ...

@final
class TicketPage:
    """A page of tickets; it reads like a list of them (``len``, indexing, iteration)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Ticket: ...
    def __iter__(self) -> Iterator[Ticket]: ...
    @property
    def tickets(self) -> list[Ticket]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]:
        """Stored tickets of this page that could not be read (skipped in ``tickets``)."""
    @property
    def next(self) -> Optional[uuid.UUID]:
        """Pass as ``after`` for the next page; ``None`` on the last page."""

@final
class ExpertPage:
    """A page of experts; it reads like a list of them (``len``, indexing, iteration)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> Expert: ...
    def __iter__(self) -> Iterator[Expert]: ...
    @property
    def experts(self) -> list[Expert]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...
    @property
    def next(self) -> Optional[uuid.UUID]: ...

@final
class WaitingTickets:
    """Tickets waiting too long, most overdue first; it reads like a list of them."""
    def __eq__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> WaitingTicket: ...
    def __iter__(self) -> Iterator[WaitingTicket]: ...
    @property
    def tickets(self) -> list[WaitingTicket]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...

@final
class RecordAudit:
    """One page of the integrity audit."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def healthy(self) -> list[uuid.UUID]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...
    @property
    def next(self) -> Optional[uuid.UUID]: ...

@final
class OutboxEntry:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def position(self) -> int: ...
    @property
    def aggregate(self) -> str: ...
    @property
    def aggregate_id(self) -> uuid.UUID: ...
    @property
    def sequence(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def name(self) -> str: ...
    @property
    def json(self) -> str: ...

# --- functions and the handle -----------------------------------------------------------

# --- billing ------------------------------------------------------------------------------

@final
class CardBrand(_Enum):
    """The card networks sysops accepts."""
    VISA: ClassVar[CardBrand]
    MASTERCARD: ClassVar[CardBrand]
    AMEX: ClassVar[CardBrand]
    DISCOVER: ClassVar[CardBrand]
    DINERS_CLUB: ClassVar[CardBrand]
    JCB: ClassVar[CardBrand]
    UNION_PAY: ClassVar[CardBrand]

# --- knowledge base -----------------------------------------------------------------

@final
class DiffOp(_Enum):
    """What happened to a line between two revisions."""
    SAME: ClassVar[DiffOp]
    ADDED: ClassVar[DiffOp]
    REMOVED: ClassVar[DiffOp]

@final
class ArticleSyncReport:
    """What applying a sync answer on the phone did; while ``more``, send a new request."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def articles_updated(self) -> int: ...
    @property
    def events_applied(self) -> int: ...
    @property
    def more(self) -> bool: ...

@final
class LookupKind(_Enum):
    """What a helpdesk search text was taken as."""
    TICKET_ID: ClassVar[LookupKind]
    TICKET_NUMBER: ClassVar[LookupKind]
    EMAIL: ClassVar[LookupKind]
    PHONE: ClassVar[LookupKind]
    NAME: ClassVar[LookupKind]

@final
class CustomerResults:
    """A page of customers a helpdesk search found, best match first; ``next_offset`` is
    absent on the last page."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def customers(self) -> list[Customer]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...
    @property
    def matched_by(self) -> LookupKind: ...
    @property
    def next_offset(self) -> Optional[int]: ...

@final
class TicketResults:
    """A page of tickets a helpdesk search found, best match first, then newest first;
    ``matched_by`` is absent when no text was given."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def tickets(self) -> list[Ticket]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...
    @property
    def matched_by(self) -> Optional[LookupKind]: ...
    @property
    def next_offset(self) -> Optional[int]: ...

@final
class ArticleContent:
    """What an article says: title (1–300 characters), Markdown body (1–500,000), one or more
    product categories, up to 20 tags (1–40 letters, digits, ``-`` or ``_``; stored lower-cased)."""
    def __new__(cls, title: str, body: str, categories: list[ProductCategory], tags: list[str]) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def categories(self) -> list[ProductCategory]: ...
    @property
    def tags(self) -> list[str]: ...

@final
class RevisionInfo:
    """Who wrote a revision, when and why (``why`` is None for revision 1)."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def revision(self) -> int: ...
    @property
    def by(self) -> uuid.UUID: ...
    @property
    def at(self) -> datetime: ...
    @property
    def why(self) -> Optional[str]: ...

@final
class Article:
    """An article at its latest revision; ``revisions`` lists every one, oldest first."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def content(self) -> ArticleContent: ...
    @property
    def revisions(self) -> list[RevisionInfo]: ...
    @property
    def retired_at(self) -> Optional[datetime]: ...

@final
class ArticleRevision:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def info(self) -> RevisionInfo: ...
    @property
    def content(self) -> ArticleContent: ...

@final
class DiffLine:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def op(self) -> DiffOp: ...
    @property
    def text(self) -> str: ...

@final
class SnippetPart:
    """A piece of a hit's snippet; ``highlighted`` where the query matched."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def text(self) -> str: ...
    @property
    def highlighted(self) -> bool: ...

@final
class ArticleHit:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def article(self) -> uuid.UUID: ...
    @property
    def revision(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def snippet(self) -> list[SnippetPart]: ...
    @property
    def solved_tickets(self) -> int:
        """How many tickets record the article as (part of) their solution."""

@final
class SearchResults:
    """A page of hits, best first. ``corrected`` is the query run instead when nothing matched
    what was typed; ``next_offset`` is absent on the last page."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def hits(self) -> list[ArticleHit]: ...
    @property
    def corrected(self) -> Optional[str]: ...
    @property
    def next_offset(self) -> Optional[int]: ...

@final
class InvoiceStatus(_Enum):
    """Where an invoice stands."""
    OPEN: ClassVar[InvoiceStatus]
    PAYMENT_FAILED: ClassVar[InvoiceStatus]
    UNCOLLECTIBLE: ClassVar[InvoiceStatus]
    PAID: ClassVar[InvoiceStatus]
    VOID: ClassVar[InvoiceStatus]
    WRITTEN_OFF: ClassVar[InvoiceStatus]

@final
class Simulated(_Enum):
    """What ``SimulatedGateway`` does with one new charge of a card."""
    APPROVE: ClassVar[Simulated]
    DECLINE: ClassVar[Simulated]
    UNAVAILABLE: ClassVar[Simulated]
    TIMEOUT: ClassVar[Simulated]
    LOST_ANSWER: ClassVar[Simulated]

@final
class Card:
    """A payment card as the customer hands it in, checked at once: the Luhn check digit, a
    known brand at a length it issues, expiry month 1-12 of 2000-2199, a CVV of 3 or 4 digits
    (optional, never stored). ``repr()`` shows the brand and the last four digits only.
    An expired card is refused by ``start_subscription`` and ``replace_card``."""
    def __new__(cls, number: str, expiry_year: int, expiry_month: int, holder: str, cvv: Optional[str] = None) -> Self: ...
    @property
    def brand(self) -> CardBrand: ...
    @property
    def last4(self) -> str: ...

# --- notifications ----------------------------------------------------------------------

@final
class Message:
    """A message for the host's notifier to deliver by ``channel`` to ``to``. ``key`` is its
    idempotency key: the same for every hand-over of this message."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> MessageKind: ...
    @property
    def channel(self) -> MessageChannel: ...
    @property
    def to(self) -> str: ...
    @property
    def subject(self) -> Optional[str]: ...
    @property
    def body(self) -> str: ...
    @property
    def customer(self) -> uuid.UUID: ...
    @property
    def ticket(self) -> Optional[uuid.UUID]: ...
    @property
    def expert(self) -> Optional[uuid.UUID]: ...
    @property
    def created_at(self) -> datetime: ...

@final
class Delivery:
    """A message and what became of it."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def message(self) -> Message: ...
    @property
    def status(self) -> DeliveryStatus: ...
    @property
    def attempts(self) -> int: ...
    @property
    def next_attempt(self) -> Optional[datetime]: ...
    @property
    def finished_at(self) -> Optional[datetime]: ...
    @property
    def error(self) -> Optional[str]: ...

@final
class Template:
    """The text of one kind of message on one channel, naming facts in braces
    (``{ticket_number}``; ``{{`` and ``}}`` for braces; ``template_facts(kind)`` lists a kind's
    facts). Checked when saved: a fact the kind does not carry is ``InvalidInputError`` with
    field ``template``; an email needs a subject of 1–200 characters, an SMS has none
    (field ``subject``); a body holds 1–4,000 characters, 1–320 for an SMS (field ``body``)."""
    def __new__(cls, kind: MessageKind, channel: MessageChannel, subject: Optional[str], body: str) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> MessageKind: ...
    @property
    def channel(self) -> MessageChannel: ...
    @property
    def subject(self) -> Optional[str]: ...
    @property
    def body(self) -> str: ...

@final
class NotifyOptions:
    """How the consumer works (``default_notify_options()``): ``batch`` events and due
    messages per round (1–10,000), ``lease_seconds`` a message claimed for a retry is kept from other
    consumers (1–86,400), retries after ``first_retry_seconds`` doubling up to
    ``longest_retry_seconds`` (1–86,400), ``attempts`` tries in all (1–100)."""
    def __new__(
        cls, batch: int, lease_seconds: int, first_retry_seconds: int, longest_retry_seconds: int, attempts: int
    ) -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def batch(self) -> int: ...
    @property
    def lease_seconds(self) -> int: ...
    @property
    def first_retry_seconds(self) -> int: ...
    @property
    def longest_retry_seconds(self) -> int: ...
    @property
    def attempts(self) -> int: ...

@final
class NotifyReport:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def events(self) -> int: ...
    @property
    def recorded(self) -> int: ...
    @property
    def sent(self) -> int: ...
    @property
    def retrying(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def skipped(self) -> int: ...
    @property
    def rounds(self) -> int: ...
    @property
    def storage_errors(self) -> int: ...

@final
class StopSignal:
    """Stops a ``run_notifications`` after its current round; ``stop()`` from any thread."""
    def __new__(cls) -> Self: ...
    def stop(self) -> None: ...
    def is_stopped(self) -> bool: ...

@final
class DeadlineReport:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def checked(self) -> int: ...
    @property
    def nearing(self) -> int: ...
    @property
    def breached(self) -> int: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...

@final
class ProjectionReport:
    """What one round of the report projector did."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def events(self) -> int: ...
    @property
    def rows(self) -> int: ...
    @property
    def skipped(self) -> int:
        """Events not folded in (they do not decode, or their record's facts are missing)."""

@final
class TicketingRow:
    """A region, plan, category and priority's tickets submitted in the period; statuses as of the report."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def region(self) -> str:
        """The region (state) of the customer's address; empty when unknown."""
    @property
    def plan(self) -> uuid.UUID: ...
    @property
    def plan_name(self) -> str: ...
    @property
    def category(self) -> ProductCategory: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def submitted(self) -> int: ...
    @property
    def open(self) -> int: ...
    @property
    def assigned(self) -> int: ...
    @property
    def accepted(self) -> int: ...
    @property
    def in_progress(self) -> int: ...
    @property
    def waiting_for_customer(self) -> int: ...
    @property
    def completed(self) -> int: ...
    @property
    def closed(self) -> int: ...
    @property
    def cancelled(self) -> int: ...
    @property
    def reopened(self) -> int: ...
    @property
    def fixed(self) -> int: ...
    @property
    def fixed_first_time(self) -> int: ...
    @property
    def first_time_fix_rate(self) -> float | None:
        """``fixed_first_time / fixed``; None when none was fixed."""
    @property
    def response_breaches(self) -> int: ...
    @property
    def resolution_breaches(self) -> int: ...
    @property
    def waiting_too_long(self) -> int:
        """Tickets waiting for an expert past their response deadline."""
    @property
    def open_age_p50_s(self) -> int | None:
        """Median age in seconds of the tickets not completed, closed or cancelled (nearest rank)."""
    @property
    def open_age_p90_s(self) -> int | None: ...
    @property
    def open_age_max_s(self) -> int | None: ...

@final
class ExpertRow:
    """An expert's offers, visits and surveys in the period."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def expert(self) -> uuid.UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def offers(self) -> int: ...
    @property
    def accepted(self) -> int: ...
    @property
    def rejected(self) -> int: ...
    @property
    def expired(self) -> int: ...
    @property
    def withdrawn(self) -> int: ...
    @property
    def pending(self) -> int: ...
    @property
    def accept_p50_s(self) -> int | None:
        """Median seconds from offer to acceptance (nearest rank)."""
    @property
    def completed(self) -> int:
        """Visits completed in the period."""
    @property
    def complete_p50_s(self) -> int | None:
        """Median seconds from acceptance to completion."""
    @property
    def worked_s(self) -> int:
        """Seconds on site in those visits."""
    @property
    def travel_m(self) -> int:
        """Metres from their base to those visits, as the assignment job measured them."""
    @property
    def travel_measured(self) -> int: ...
    @property
    def surveys(self) -> int: ...
    @property
    def mean_satisfaction(self) -> float | None: ...
    @property
    def recommends(self) -> int: ...
    @property
    def mean_recommend(self) -> float | None: ...
    @property
    def weekly_s(self) -> int: ...
    @property
    def registered_at(self) -> datetime: ...
    @property
    def scheduled_s(self) -> int:
        """Seconds of working hours in the period, from registration up to ``as_of``."""
    @property
    def utilisation(self) -> float | None:
        """``worked_s / scheduled_s``."""

@final
class FinancialRow:
    """A billing month, plan and currency's invoices, exact to the cent."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def period(self) -> str:
        """The billing month, ``YYYY-MM``."""
    @property
    def plan(self) -> uuid.UUID:
        """The plan of each invoice's last line."""
    @property
    def plan_name(self) -> str: ...
    @property
    def currency(self) -> Currency: ...
    @property
    def invoices(self) -> int: ...
    @property
    def invoiced(self) -> Money: ...
    @property
    def collected(self) -> Money: ...
    @property
    def refunded(self) -> Money: ...
    @property
    def net(self) -> Money:
        """``collected`` less ``refunded``."""
    @property
    def outstanding_invoices(self) -> int: ...
    @property
    def outstanding(self) -> Money: ...
    @property
    def failed_payments(self) -> int:
        """Charges declined."""
    @property
    def failing_invoices(self) -> int: ...
    @property
    def written_off(self) -> Money: ...
    @property
    def voided(self) -> Money: ...

@final
class TicketingReport:
    """The ticketing report. ``to_pandas()`` and ``to_polars()`` need those packages (an ``ImportError``
    names the one missing); importing sysops needs neither."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def as_of(self) -> datetime:
        """When it was computed."""
    @property
    def behind_since(self) -> datetime | None:
        """The time of the oldest event its read model had not taken in; None when up to date."""
    @property
    def rows(self) -> list[TicketingRow]: ...
    @property
    def csv(self) -> str:
        """The rows as CSV (RFC 4180)."""
    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (decimals for money, UTC datetimes, categories)."""
    def to_polars(self) -> Any:
        """The rows as a polars DataFrame (Decimal, Datetime in UTC, Categorical)."""
    def to_csv(self, path: Optional[Union[str, PathLike[str]]] = None) -> str | None:
        """The rows as CSV: written to ``path`` (returning None), or returned."""

@final
class ExpertReport:
    """The expert performance report. ``to_pandas()`` and ``to_polars()`` need those packages (an ``ImportError``
    names the one missing); importing sysops needs neither."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def as_of(self) -> datetime:
        """When it was computed."""
    @property
    def behind_since(self) -> datetime | None:
        """The time of the oldest event its read model had not taken in; None when up to date."""
    @property
    def rows(self) -> list[ExpertRow]: ...
    @property
    def csv(self) -> str:
        """The rows as CSV (RFC 4180)."""
    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (decimals for money, UTC datetimes, categories)."""
    def to_polars(self) -> Any:
        """The rows as a polars DataFrame (Decimal, Datetime in UTC, Categorical)."""
    def to_csv(self, path: Optional[Union[str, PathLike[str]]] = None) -> str | None:
        """The rows as CSV: written to ``path`` (returning None), or returned."""

@final
class FinancialReport:
    """The financial report. ``to_pandas()`` and ``to_polars()`` need those packages (an ``ImportError``
    names the one missing); importing sysops needs neither."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def as_of(self) -> datetime:
        """When it was computed."""
    @property
    def behind_since(self) -> datetime | None:
        """The time of the oldest event its read model had not taken in; None when up to date."""
    @property
    def rows(self) -> list[FinancialRow]: ...
    @property
    def csv(self) -> str:
        """The rows as CSV (RFC 4180)."""
    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (decimals for money, UTC datetimes, categories)."""
    def to_polars(self) -> Any:
        """The rows as a polars DataFrame (Decimal, Datetime in UTC, Categorical)."""
    def to_csv(self, path: Optional[Union[str, PathLike[str]]] = None) -> str | None:
        """The rows as CSV: written to ``path`` (returning None), or returned."""

@final
class SurveyView:
    """What a survey's page shows before the customer answers."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def survey(self) -> uuid.UUID: ...
    @property
    def ticket_number(self) -> str: ...
    @property
    def expert_name(self) -> str | None: ...
    @property
    def completed_at(self) -> datetime: ...
    @property
    def expires_at(self) -> datetime:
        """When the link stops working."""

def default_notify_options() -> NotifyOptions: ...
def template_facts(kind: MessageKind) -> list[str]:
    """The facts a template of ``kind`` may name, e.g. ``['customer_name', 'ticket_number', 'expert_name']``."""

@final
class CardKey:
    """A 32-byte key the card vault seals card numbers with, named by ``id`` (1-64 printable
    ASCII characters). ``repr()`` never shows the key."""
    def __new__(cls, id: str, key: bytes) -> Self: ...

@final
class SimulatedGateway:
    """A deterministic payment gateway for tests and demos: approves every card unless
    ``script`` says otherwise, honours idempotency keys like a real one."""
    def __new__(cls) -> Self: ...
    def script(self, card: Card, steps: list[Simulated], decline_reason: str = ...) -> None:
        """What the next new charges of ``card`` do, in order (at most 1,000); the last step repeats."""
    @property
    def charges(self) -> int: ...
    @property
    def refunds(self) -> int: ...

@final
class ChargeRequest:
    """A charge a gateway written in Python is asked to make: the idempotency key, the amount
    and the card, revealed for this call only. ``number()`` is the one place a card number
    leaves sysops: send it to the provider, never log or keep it. ``repr()`` shows the brand
    and the last four digits only."""
    @property
    def key(self) -> str: ...
    @property
    def amount(self) -> Money: ...
    def number(self) -> str: ...
    @property
    def expiry_year(self) -> int: ...
    @property
    def expiry_month(self) -> int: ...
    @property
    def card_brand(self) -> CardBrand: ...
    @property
    def card_last4(self) -> str: ...

@final
class RefundRequest:
    """A refund a gateway written in Python is asked to make of an earlier charge."""
    @property
    def key(self) -> str: ...
    @property
    def charge(self) -> str: ...
    @property
    def amount(self) -> Money: ...

@disjoint_base
class ChargeAnswer:
    """A gateway's answer to a charge: ``ChargeAnswer.Charged(charge="ch_1")`` or
    ``ChargeAnswer.Declined(reason="insufficient funds")``; the id or reason must be 1-500
    characters without control characters, or the answer counts as none."""
    @final
    class Charged(ChargeAnswer):
        __match_args__ = ("charge",)
        def __new__(cls, charge: str) -> Self: ...
        @property
        def charge(self) -> str: ...
    @final
    class Declined(ChargeAnswer):
        __match_args__ = ("reason",)
        def __new__(cls, reason: str) -> Self: ...
        @property
        def reason(self) -> str: ...

@final
class CardOnFile:
    """A card as everything outside the vault knows it."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def token(self) -> uuid.UUID: ...
    @property
    def brand(self) -> CardBrand: ...
    @property
    def last4(self) -> str: ...
    @property
    def expiry_year(self) -> int: ...
    @property
    def expiry_month(self) -> int: ...
    @property
    def holder(self) -> str: ...

@final
class PlanSpan:
    """What a subscription is from ``since`` on: a plan at its fee, or cancelled (``None``)."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def since(self) -> datetime: ...
    @property
    def plan(self) -> Optional[uuid.UUID]: ...
    @property
    def plan_name(self) -> Optional[str]: ...
    @property
    def monthly_fee(self) -> Optional[Money]: ...

@final
class Subscription:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def customer(self) -> uuid.UUID: ...
    @property
    def active(self) -> bool: ...
    @property
    def card(self) -> CardOnFile: ...
    @property
    def spans(self) -> list[PlanSpan]: ...

@final
class InvoiceLine:
    """Consecutive days on one plan: ``monthly fee x days / days in the month``, rounded half away from zero to the cent."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def plan(self) -> uuid.UUID: ...
    @property
    def description(self) -> str: ...
    @property
    def first_day(self) -> str: ...
    @property
    def days(self) -> int: ...
    @property
    def amount(self) -> Money: ...

@final
class PaymentAttempt:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def number(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def card(self) -> uuid.UUID: ...
    @property
    def at(self) -> datetime: ...
    @property
    def charge(self) -> Optional[str]: ...
    @property
    def declined(self) -> Optional[str]: ...

@final
class Refund:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def number(self) -> int: ...
    @property
    def amount(self) -> Money: ...
    @property
    def reason(self) -> str: ...
    @property
    def by(self) -> Actor: ...
    @property
    def at(self) -> datetime: ...
    @property
    def refund(self) -> Optional[str]: ...

@final
class AdminAction:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def action(self) -> Action: ...
    @property
    def reason(self) -> str: ...
    @property
    def by(self) -> Actor: ...
    @property
    def at(self) -> datetime: ...

@final
class Invoice:
    """One month's bill of a subscription; its lines add up to its total."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def customer(self) -> uuid.UUID: ...
    @property
    def period(self) -> str: ...
    @property
    def lines(self) -> list[InvoiceLine]: ...
    @property
    def total(self) -> Money: ...
    @property
    def issued_at(self) -> datetime: ...
    @property
    def status(self) -> InvoiceStatus: ...
    @property
    def next_attempt_at(self) -> Optional[datetime]: ...
    @property
    def attempts(self) -> list[PaymentAttempt]: ...
    @property
    def refunds(self) -> list[Refund]: ...
    @property
    def admin_actions(self) -> list[AdminAction]: ...

@final
class InvoicePage:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def invoices(self) -> list[Invoice]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...
    @property
    def next(self) -> Optional[uuid.UUID]: ...

@final
class Declined:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def invoice(self) -> uuid.UUID: ...
    @property
    def reason(self) -> str: ...

@final
class BillingReport:
    """What one billing run did: how many invoices it issued and paid (counted, so that a
    run over a million customers returns no million ids), and what needs attention, listed."""

    def __eq__(self, value: object, /) -> bool: ...
    @property
    def issued(self) -> int: ...
    @property
    def paid(self) -> int: ...
    @property
    def declined(self) -> list[Declined]: ...
    @property
    def unanswered(self) -> list[uuid.UUID]: ...
    @property
    def suspended(self) -> list[uuid.UUID]: ...
    @property
    def reinstated(self) -> list[uuid.UUID]: ...
    @property
    def quarantined(self) -> list[QuarantinedRecord]: ...

@final
class RotationReport:
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def rotated(self) -> int: ...
    @property
    def current(self) -> int: ...


def system_actor() -> Actor:
    """The actor of the system's own jobs; it also creates the first administrator."""

def product_category_named(name: str) -> ProductCategory:
    """The product category with this stable name, e.g. ``"game_console"``."""

def product_category_name(category: ProductCategory) -> str:
    """The stable name of a product category."""

def default_cost_weights() -> CostWeights:
    """The weights ``run_assignment`` uses when none are given."""

@final
class Sysops:
    """Sysops on a database. Every call releases the GIL while the database works."""
    @staticmethod
    def open(url: str) -> Sysops: ...
    @staticmethod
    def open_simulated(url: str, start: datetime, id_seed: int = 1) -> Sysops: ...
    @staticmethod
    def open_with(
        url: str,
        billing_url: Optional[str] = None,
        card_keys: list[CardKey] = ...,
        start: Optional[datetime] = None,
        id_seed: Optional[int] = None,
        analytics_url: Optional[str] = None,
        max_wait_ms: Optional[int] = None,
    ) -> Sysops:
        """Opens ``url`` with billing in ``billing_url`` (by default the same database) and the
        ``card_keys`` that seal card numbers (the first seals new cards; without keys every card
        operation is refused), and the reports' read models in ``analytics_url`` (by default the
        same database). With ``start``, the clock is simulated as in ``open_simulated``.
        ``max_wait_ms`` (1–600,000; by default 5,000) is the longest a call waits for a
        connection, or on SQLite for its turn at the writer, before it raises ``BusyError``
        having written nothing; out of range is ``InvalidInputError`` (field ``max_wait_ms``)."""
    def advance_clock(self, by: timedelta) -> datetime: ...
    def now(self) -> datetime:
        """The time this handle works at, without moving it (a simulated handle's clock, or now)."""
    @property
    def backend(self) -> str:
        """``"sqlite"``, ``"postgres"``, or ``"citus"`` (PostgreSQL with the tables distributed by Citus)."""
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *_exc: Union[type[BaseException], BaseException, TracebackType, None]) -> bool: ...
    # staff accounts
    def create_staff_account(self, actor: Actor, name: str, email: str, role: StaffRole) -> StaffAccount: ...
    def change_staff_role(self, actor: Actor, account: _Id, role: StaffRole) -> StaffAccount: ...
    def deactivate_staff_account(self, actor: Actor, account: _Id) -> StaffAccount: ...
    def reactivate_staff_account(self, actor: Actor, account: _Id) -> StaffAccount: ...
    def staff_account(self, actor: Actor, account: _Id) -> StaffAccount: ...
    def staff_account_history(self, actor: Actor, account: _Id) -> list[StaffEvent]: ...
    # plans
    def define_plan(self, actor: Actor, terms: PlanTerms) -> SupportPlan: ...
    def retire_plan(self, actor: Actor, plan: _Id) -> SupportPlan: ...
    def plan(self, actor: Actor, plan: _Id) -> SupportPlan: ...
    # customers
    def register_customer(self, actor: Actor, contact: Contact, address: Address, plan: _Id) -> Customer: ...
    def update_customer_contact(self, actor: Actor, customer: _Id, contact: Contact) -> Customer: ...
    def move_customer(self, actor: Actor, customer: _Id, address: Address) -> Customer: ...
    def change_customer_plan(self, actor: Actor, customer: _Id, plan: _Id) -> Customer: ...
    def customer(self, actor: Actor, customer: _Id) -> Customer: ...
    # billing: the customer themself or administrators; never helpdesk, managers or experts
    def start_subscription(self, actor: Actor, customer: _Id, card: Card) -> Subscription: ...
    def replace_card(self, actor: Actor, customer: _Id, card: Card) -> Subscription: ...
    def cancel_subscription(self, actor: Actor, customer: _Id) -> Subscription: ...
    def subscription(self, actor: Actor, customer: _Id) -> Subscription: ...
    def invoices(self, actor: Actor, customer: _Id, after: Optional[_Id] = None, limit: int = 100) -> InvoicePage: ...
    def invoice(self, actor: Actor, invoice: _Id) -> Invoice: ...
    def run_billing(self, actor: Actor, period: str, gateway: Union[SimulatedGateway, PaymentGateway]) -> BillingReport:
        """The monthly run for ``period`` (``"YYYY-MM"``, a month that has ended); safe to rerun.
        ``gateway`` is the simulated one or the host's own (see ``sysops.PaymentGateway``)."""
    def retry_payment(self, actor: Actor, invoice: _Id, reason: str, gateway: Union[SimulatedGateway, PaymentGateway]) -> Invoice: ...
    def refund_payment(self, actor: Actor, invoice: _Id, amount: Money, reason: str, gateway: Union[SimulatedGateway, PaymentGateway]) -> Invoice: ...
    def void_invoice(self, actor: Actor, invoice: _Id, reason: str) -> Invoice: ...
    def write_off_invoice(self, actor: Actor, invoice: _Id, reason: str) -> Invoice: ...
    def rotate_card_keys(self, actor: Actor) -> RotationReport: ...
    # knowledge base: administrators and experts write and revise; administrators (or the
    # author) retire; every staff role reads and searches; customers never see articles
    def write_article(self, actor: Actor, content: ArticleContent) -> Article: ...
    def import_articles(
        self, actor: Actor, contents: list[ArticleContent], progress: Optional[Callable[[int, int], object]] = None
    ) -> list[uuid.UUID]:
        """Imports many articles: every content is checked first (a bad one is ``InvalidInputError``
        naming its position, and nothing is written), then 100 are committed at a time and
        ``progress(imported, total)`` is called after each page (what it returns or raises is
        ignored). Returns the new ids in the order given."""
    def revise_article(self, actor: Actor, article: _Id, content: ArticleContent, why: str) -> Article: ...
    def retire_article(self, actor: Actor, article: _Id, why: str) -> Article: ...
    def article(self, actor: Actor, article: _Id) -> Article: ...
    def article_revision(self, actor: Actor, article: _Id, revision: int) -> ArticleRevision: ...
    def compare_revisions(self, actor: Actor, article: _Id, from_revision: int, to_revision: int) -> list[DiffLine]: ...
    def search_articles(
        self,
        actor: Actor,
        query: str,
        categories: list[Union[ProductCategory, str]] = ...,
        tags: list[str] = ...,
        offset: int = 0,
        limit: int = 20,
    ) -> SearchResults:
        """Current revisions of articles not retired, best first: BM25 over English stems of the
        title (ten times) and the body's first 4,000 characters, rarer words counting more, the
        same on every backend; articles matching only further in come last. ``query``:
        words (all must match, any case), ``"a phrase"``, ``prefix*``, ``-excluded``; everything
        else separates words. At most 10,000 characters and 32 words, else ``InvalidInputError``
        (field ``query``). Only articles about one of ``categories`` (empty: any) carrying every
        one of ``tags`` (at most 20); ``limit`` 1–100 after ``offset`` 0–1,000. When nothing
        matches, misspelt words are corrected and the search is run again (``corrected``)."""
    def serve_sync(self, actor: Actor, request: bytes) -> bytes:
        """The server's sync endpoint: reads a phone's request bytes (any protocol still read),
        decides its queued commands as ``actor`` (the expert the caller authenticated; a
        request naming anyone else is ``ForbiddenError``), and returns the answer bytes: each
        command's verdict and the next page of what the expert may see. A command is applied
        once per id, however often it is sent. Bytes that are not a request: ``SyncError``."""
    def article_sync_request(self, actor: Actor) -> bytes:
        """The expert's phone, step 1 of the offline copy: the bytes to send to the server
        (the articles this store holds and their versions). Only an expert, for themself."""
    def article_sync_answer(self, actor: Actor, request: bytes) -> bytes:
        """The server: the answer to a phone's request, to send back (the expert's account and
        the events the phone lacks of the articles about the expert's skills, a page at a
        time). Malformed bytes or more than 64 MiB: ``InvalidInputError`` (field ``sync``)."""
    def apply_article_sync(self, actor: Actor, answer: bytes) -> ArticleSyncReport:
        """The phone, step 2: checks the whole answer, then appends it; events it holds are
        skipped, so a repeated or interrupted sync is safe. Then search offline as usual."""
    def record_solution(self, actor: Actor, ticket: _Id, articles: list[_Id]) -> Ticket:
        """Records which articles solved a completed (or closed) ticket, replacing what was
        recorded before (an empty list withdraws it): at most 10, each existing
        (``NotFoundError``; retired ones too). The same articles again are the rule
        ``NO_CHANGE``; an unfinished ticket is ``InvalidTransitionError``. The expert who did
        the work, helpdesk and administrators may record."""
    def times_solved(self, actor: Actor, articles: list[_Id]) -> list[int]:
        """How many tickets record each of ``articles`` (at most 1,000) as their solution, in
        order; an unknown id counts 0."""
    # experts
    def register_expert(self, actor: Actor, account: _Id, profile: ExpertProfile) -> Expert: ...
    def set_expert_skills(self, actor: Actor, expert: _Id, skills: list[Skill]) -> Expert: ...
    def set_expert_service_area(self, actor: Actor, expert: _Id, base: GeoPoint, radius_km: int) -> Expert: ...
    def set_expert_hours(self, actor: Actor, expert: _Id, hours: WeeklyHours) -> Expert: ...
    def add_expert_time_off(self, actor: Actor, expert: _Id, start: datetime, until: datetime) -> Expert: ...
    def set_expert_capacity(self, actor: Actor, expert: _Id, capacity: int) -> Expert: ...
    def set_expert_active(self, actor: Actor, expert: _Id, active: bool) -> Expert: ...
    def expert(self, actor: Actor, expert: _Id) -> Expert: ...
    def find_experts(
        self,
        actor: Actor,
        *,
        category: Union[ProductCategory, str, None] = None,
        min_level: Optional[int] = None,
        serving: Optional[GeoPoint] = None,
        active_only: bool = False,
        after: Optional[_Id] = None,
        limit: int = 100,
    ) -> ExpertPage: ...
    # tickets
    def submit_ticket(
        self, actor: Actor, customer: _Id, *, category: Union[ProductCategory, str], description: str, required_level: int = 1
    ) -> Ticket: ...
    def assign_ticket(self, actor: Actor, ticket: _Id, expert: _Id) -> Ticket: ...
    def accept_ticket(self, actor: Actor, ticket: _Id) -> Ticket: ...
    def reject_ticket(self, actor: Actor, ticket: _Id, reason: str) -> Ticket: ...
    def start_work(self, actor: Actor, ticket: _Id) -> Ticket: ...
    def complete_ticket(self, actor: Actor, ticket: _Id, notes: str) -> Ticket: ...
    def cancel_ticket(self, actor: Actor, ticket: _Id, reason: str) -> Ticket: ...
    def close_ticket(self, actor: Actor, ticket: _Id) -> Ticket: ...
    def reopen_ticket(self, actor: Actor, ticket: _Id, reason: str) -> Ticket: ...
    def wait_for_customer(self, actor: Actor, ticket: _Id, reason: str) -> Ticket:
        """An open, accepted or in-progress ticket waits on the customer (its expert,
        helpdesk or an administrator): its deadlines stand still until they reply."""
    def reply_to_ticket(self, actor: Actor, ticket: _Id) -> Ticket:
        """The customer (or helpdesk for them) replied: the ticket resumes where it was and
        its deadlines move by the time waited."""
    def ticket(self, actor: Actor, ticket: _Id) -> Ticket: ...
    def ticket_history(self, actor: Actor, ticket: _Id) -> list[TicketEvent]: ...
    def tickets(
        self,
        actor: Actor,
        *,
        status: Optional[TicketStatus] = None,
        customer: Optional[_Id] = None,
        expert: Optional[_Id] = None,
        after: Optional[_Id] = None,
        limit: int = 100,
    ) -> TicketPage: ...
    def count_tickets(
        self,
        actor: Actor,
        *,
        status: Optional[TicketStatus] = None,
        customer: Optional[_Id] = None,
        expert: Optional[_Id] = None,
    ) -> int:
        """How many tickets match the filters; whoever may list them may count them."""
    # helpdesk
    def find_customers(self, actor: Actor, text: str, *, offset: int = 0, limit: int = 20) -> CustomerResults:
        """Customers matching what a caller said, best match first. ``text`` is one search box:
        a ticket id or number (its customer), an email (any case), a phone number in any
        formatting (``(312) 555-0100``, ``312.555.0100``, ``+1 312 555 0100``: 7–15 digits; with
        its country code the whole number must match, without one the numbers ending with it),
        or words of the name (each the start of a name word, any case or accents). At most 320
        characters and 8 name words, else ``InvalidInputError``; ``limit`` 1–100 after
        ``offset`` 0–1,000. Helpdesk, managers and administrators may search
        (``ForbiddenError`` for customers and experts)."""
    def find_tickets(
        self,
        actor: Actor,
        text: Optional[str] = None,
        *,
        status: Optional[TicketStatus] = None,
        submitted_from: Optional[datetime] = None,
        submitted_to: Optional[datetime] = None,
        offset: int = 0,
        limit: int = 20,
    ) -> TicketResults:
        """Tickets matching a search, best match first, then newest first: ``text`` as in
        ``find_customers`` (a ticket id or number finds that ticket, anything else the tickets
        of the customers it finds; absent: everyone's), narrowed to ``status`` and to
        submission at or after ``submitted_from`` and before ``submitted_to`` (aware
        datetimes; the window must not be empty). Same limits and permissions as
        ``find_customers``."""
    # assignment
    def run_assignment(self, actor: Actor, weights: Optional[CostWeights] = None) -> AssignmentReport: ...
    def expire_overdue_offers(self, actor: Actor) -> list[uuid.UUID]: ...
    def tickets_waiting_too_long(self, actor: Actor) -> WaitingTickets: ...
    # integrity
    def quarantined_records(
        self, actor: Actor, kind: RecordKind, *, after: Optional[_Id] = None, limit: int = 1000
    ) -> RecordAudit:
        """Audits stored records of ``kind`` (administrators): which read back exactly, which are quarantined."""
    # notifications
    def notify_round(self, actor: Actor, notifier: Notifier, options: Optional[NotifyOptions] = None) -> NotifyReport:
        """One round of the notification consumer (System or an administrator): new events'
        messages written and handed to ``notifier.send``, due retries tried again."""
    def run_notifications(
        self,
        actor: Actor,
        notifier: Notifier,
        stop: StopSignal,
        options: Optional[NotifyOptions] = None,
        idle_millis: int = 1000,
    ) -> NotifyReport:
        """Runs the consumer until ``stop.stop()`` is called from another thread, pausing
        ``idle_millis`` (1–3,600,000) when there is no work; storage failures pause and go on."""
    def ticket_deliveries(self, actor: Actor, ticket: _Id, limit: int = 100) -> list[Delivery]:
        """The messages about a ticket, newest first (``limit`` 1–1,000): staff, or its customer."""
    def customer_deliveries(self, actor: Actor, customer: _Id, limit: int = 100) -> list[Delivery]:
        """The messages about a customer's tickets and account, newest first: staff, or the customer."""
    def save_template(self, actor: Actor, template: Template) -> None:
        """Saves a template (administrators): later messages of its kind and channel use it."""
    def templates(self, actor: Actor) -> list[Template]:
        """The templates in force, one per kind and channel (administrators)."""
    def check_deadlines(self, actor: Actor, warn_at_percent: int = 80) -> DeadlineReport:
        """The deadline job (System or an administrator): records tickets that used up
        ``warn_at_percent`` (1–99) of a response or resolution target, which emails the plan's
        escalation contact once, and every deadline missed."""
    # surveys
    def open_survey(self, token: str) -> SurveyView:
        """The survey a link's token opens (the 64 characters after the link's last ``/``); no
        actor, the token is the credential. ``RuleViolatedError`` with rule
        ``SURVEY_LINK_INVALID`` (truncated, altered, forged or replaced by a newer link),
        ``SURVEY_EXPIRED`` (14 days after it was sent) or ``SURVEY_ANSWERED``."""
    def answer_survey(
        self, token: str, satisfaction: int, recommend: int | None = None, comment: str | None = None
    ) -> None:
        """Answers the survey a link's token opens, once: ``satisfaction`` 1–5 stars (rates the
        expert, which the assignment job weighs), ``recommend`` 0–10, ``comment`` 1–2,000
        characters. Errors as ``open_survey``, and ``InvalidInputError`` for an answer out of
        range (nothing is stored)."""
    # reports
    def project_reports(self, actor: Actor, batch: int | None = None) -> ProjectionReport:
        """One round of the report projector (System or an administrator): folds up to
        ``batch`` (1–10,000, default 500) new events into the reports' read models."""
    def rebuild_reports(self, actor: Actor) -> int:
        """Folds every stored event into the read models again (System or an administrator)."""
    def ticketing_report(
        self, actor: Actor, start: datetime | None = None, end: datetime | None = None
    ) -> TicketingReport:
        """Tickets submitted from ``start`` to ``end`` by region, plan, category and priority
        (managers and administrators; anyone else ``ForbiddenError``)."""
    def expert_report(self, actor: Actor, start: datetime | None = None, end: datetime | None = None) -> ExpertReport:
        """Each expert's offers, visits and surveys from ``start`` to ``end`` (managers and administrators)."""
    def financial_report(
        self, actor: Actor, start: datetime | None = None, end: datetime | None = None
    ) -> FinancialReport:
        """Invoices of the billing months starting from ``start`` to ``end`` (managers and administrators)."""
    # outbox
    def poll_outbox(self, consumer: str, limit: int = 100) -> list[OutboxEntry]: ...
    def ack_outbox(self, consumer: str, position: int) -> None: ...

# --- the expert's phone ------------------------------------------------------------------

@final
class SyncFault(_Enum):
    """Why ``SyncError`` refused a sync message."""
    NEWER_PROTOCOL: ClassVar[SyncFault]
    MALFORMED: ClassVar[SyncFault]
    STALE: ClassVar[SyncFault]
    OUTSIDE_VIEW: ClassVar[SyncFault]
    OTHER_EXPERT: ClassVar[SyncFault]

@disjoint_base
class PhoneCommand:
    """What an expert did to a ticket on the phone."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> str:
        """The variant's name, e.g. ``"Accept"``."""
    @final
    class Accept(PhoneCommand):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Reject(PhoneCommand):
        __match_args__ = ("reason",)
        def __new__(cls, reason: str) -> Self: ...
        @property
        def reason(self) -> str: ...
    @final
    class Start(PhoneCommand):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Complete(PhoneCommand):
        __match_args__ = ("notes",)
        def __new__(cls, notes: str) -> Self: ...
        @property
        def notes(self) -> str: ...
    @final
    class LinkArticles(PhoneCommand):
        __match_args__ = ("articles",)
        def __new__(cls, articles: list[uuid.UUID]) -> Self: ...
        @property
        def articles(self) -> list[uuid.UUID]: ...

@disjoint_base
class Refusal:
    """Why the server refused a queued command; the ticket on the phone is back to the
    server's state (or gone, when it is no longer the expert's)."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def kind(self) -> str:
        """The variant's name, e.g. ``"OfferExpired"``."""
    @final
    class NotFound(Refusal):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class Forbidden(Refusal):
        """The ticket is no longer the expert's (taken back, cancelled, offered to another)."""
        __match_args__ = ("reason",)
        def __new__(cls, reason: DenyReason) -> Self: ...
        @property
        def reason(self) -> DenyReason: ...
    @final
    class InvalidTransition(Refusal):
        __match_args__ = ("status",)
        def __new__(cls, status: TicketStatus) -> Self: ...
        @property
        def status(self) -> TicketStatus: ...
    @final
    class OfferExpired(Refusal):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class ExpertExcluded(Refusal):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class NoChange(Refusal):
        __match_args__ = ()
        def __new__(cls) -> Self: ...
    @final
    class InvalidInput(Refusal):
        __match_args__ = ("field", "reason")
        def __new__(cls, field: str, reason: str) -> Self: ...
        @property
        def field(self) -> str: ...
        @property
        def reason(self) -> str: ...

@final
class QueuedCommand:
    """A command the phone queued, waiting for the server's verdict."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def ticket(self) -> uuid.UUID: ...
    @property
    def command(self) -> PhoneCommand: ...
    @property
    def decided_at(self) -> datetime: ...

@final
class RefusedCommand:
    """A command the server refused, kept on the phone until dismissed."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def command(self) -> QueuedCommand: ...
    @property
    def refusal(self) -> Refusal: ...

@final
class CustomerCard:
    """What a visit needs of its customer: who, how to reach them, where to go."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def version(self) -> int: ...
    @property
    def contact(self) -> Contact: ...
    @property
    def address(self) -> Address: ...

@final
class SyncReport:
    """What applying an answer did; while ``more``, send another request."""
    def __eq__(self, value: object, /) -> bool: ...
    @property
    def tickets(self) -> int: ...
    @property
    def customers(self) -> int: ...
    @property
    def articles(self) -> int: ...
    @property
    def dropped(self) -> int: ...
    @property
    def applied(self) -> list[uuid.UUID]: ...
    @property
    def refused(self) -> list[RefusedCommand]: ...
    @property
    def more(self) -> bool: ...

@final
class Replica:
    """An expert's phone: their offers and tickets, those tickets' customers and the articles
    of their skills, in a SQLite file, worked on offline and synced through bytes the app
    carries to the server's ``Sysops.serve_sync``.

    Each command is decided on the phone at once, with the server's rules and errors
    (``InvalidTransitionError``, ``RuleViolatedError`` ``OFFER_EXPIRED``, ...), and queued on
    disk; ``tickets()`` shows each ticket with the queued commands applied. A command the
    server refuses leaves the queue with its ``Refusal`` (``receive(...).refused`` and
    ``refused()``), and its ticket shows the server's state again."""
    @staticmethod
    def open(url: str, expert: _Id, start: Optional[datetime] = None, id_seed: Optional[int] = None) -> Replica:
        """Opens (or creates) ``expert``'s replica in the SQLite database at ``url``
        (``sqlite://FILE``; ``sqlite::memory:`` for tests; a PostgreSQL URL is
        ``InvalidInputError``). A database that belongs to another expert: ``SyncError``
        (``OTHER_EXPERT``). With ``start``, the phone's clock is simulated from there."""
    def advance_clock(self, by: timedelta) -> datetime:
        """Moves a simulated clock forward (``RuleViolatedError`` ``REAL_CLOCK`` otherwise)."""
    def request(self, limit: Optional[int] = None) -> bytes:
        """The bytes to send the server: what the phone holds, the commands not answered yet,
        and at most ``limit`` records wanted back (1–5,000; 500 by default). Only the answer
        to the latest request is applied."""
    def receive(self, answer: bytes) -> SyncReport:
        """Applies the server's answer bytes, checked whole first. An answer to an older
        request, from a newer library, malformed, or holding what the expert may not see:
        ``SyncError`` with its ``fault``, and nothing changes."""
    def accept(self, ticket: _Id) -> Ticket:
        """Accepts the offered ticket, now on the phone and at the next sync on the server."""
    def reject(self, ticket: _Id, reason: str) -> Ticket:
        """Declines the offered ticket, saying why (1–500 characters)."""
    def start(self, ticket: _Id) -> Ticket:
        """Starts work on an accepted ticket."""
    def complete(self, ticket: _Id, notes: str) -> Ticket:
        """Completes the work, with what was done (1–10,000 characters)."""
    def link_articles(self, ticket: _Id, articles: list[_Id]) -> Ticket:
        """Records the articles that solved the completed ticket (at most 10; none
        withdraws); the server checks that each exists."""
    def tickets(self) -> list[Ticket]:
        """Every ticket on the phone, the queued commands applied on top."""
    def ticket(self, ticket: _Id) -> Ticket:
        """One ticket as ``tickets`` shows it; ``NotFoundError`` when not on the phone."""
    def customer(self, customer: _Id) -> CustomerCard:
        """The customer of one of the expert's tickets; ``NotFoundError`` for any other."""
    def queued(self) -> list[QueuedCommand]:
        """The commands not answered by the server yet, oldest first."""
    def refused(self) -> list[RefusedCommand]:
        """The commands the server refused, oldest first, until dismissed."""
    def dismiss(self, command: _Id) -> None:
        """Forgets a refusal the app has shown (an unknown id changes nothing)."""
    def search_articles(
        self,
        query: str,
        categories: list[Union[ProductCategory, str]] = ...,
        tags: list[str] = ...,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> SearchResults:
        """Searches the phone's articles offline, as ``Sysops.search_articles`` does."""
    def article(self, article: _Id) -> Article:
        """One of the phone's articles, offline."""
