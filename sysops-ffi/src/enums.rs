//! The domain's enumerations as Kotlin and Swift see them.

use sysops_core as core;

/// Exposes a domain enum to Kotlin and Swift as it is: `#[uniffi::remote]` generates the FFI code
/// for the core type itself, and the compiler checks the variant list below against it (a
/// missing or extra variant does not build), so nothing is converted or kept in step by hand.
/// Python gets the same type through the core's `python` feature.
macro_rules! domain_enum {
    ($(#[$doc:meta])* $name:ident = $core:ty { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        pub type $name = $core;

        #[uniffi::remote(Enum)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }
    };
}

domain_enum!(
    /// Who is acting: a customer, staff in one of four roles, or the system's own jobs.
    Role = core::Role {
        /// Maintains staff, experts and plans.
        Administrator,
        /// A customer with a support plan.
        Customer,
        /// The call center.
        Helpdesk,
        /// A field expert.
        Expert,
        /// Reads reports and tracks operations.
        Manager,
        /// The system's own jobs (assignment, expiry); also bootstraps the first administrator.
        System,
    }
);

domain_enum!(
    /// The role of a staff account.
    StaffRole = core::StaffRole {
        /// Maintains staff, experts and plans.
        Administrator,
        /// The call center.
        Helpdesk,
        /// Reads reports.
        Manager,
        /// A field expert.
        Expert,
    }
);

domain_enum!(
    /// A kind of device support plans cover and experts are skilled in.
    ProductCategory = core::ProductCategory {
        /// Televisions.
        Television,
        /// Computers.
        Computer,
        /// Phones and tablets.
        Mobile,
        /// Stereos and speakers.
        Audio,
        /// Routers and home networks.
        Networking,
        /// Printers.
        Printer,
        /// Game consoles.
        GameConsole,
        /// Cameras.
        Camera,
        /// Smart-home devices.
        SmartHome,
    }
);

domain_enum!(
    /// How a person wants to hear from the Sysops Squad.
    MessageChannel = core::MessageChannel {
        /// By email.
        Email,
        /// By text message to their mobile phone.
        Sms,
    }
);

domain_enum!(
    /// Why a message is sent.
    MessageKind = core::notify::MessageKind {
        /// To the customer: an expert accepted their ticket.
        ExpertAssigned,
        /// To the customer: the expert started work.
        WorkStarted,
        /// To the expert: a ticket is offered to them.
        OfferMade,
        /// To the expert: an unanswered offer was withdrawn (expired, or the ticket cancelled).
        OfferWithdrawn,
        /// To the customer: a monthly payment was declined.
        PaymentFailed,
        /// To the customer: the account is suspended for an unpaid invoice.
        AccountSuspended,
        /// To the plan's escalation contact: a ticket nears a deadline.
        DeadlineNearing,
        /// To the customer, by email: the work is completed; the link to its survey.
        SurveyInvitation,
    }
);

domain_enum!(
    /// Where a message stands.
    DeliveryStatus = core::notify::DeliveryStatus {
        /// Not yet sent; tried again at its next attempt.
        Pending,
        /// The notifier accepted it.
        Sent,
        /// Failed for good (a permanent failure, or every try failed).
        Failed,
    }
);

domain_enum!(
    /// Which of a ticket's deadlines.
    Deadline = core::Deadline {
        /// An expert must have accepted the ticket by then.
        Response,
        /// The work must be completed by then.
        Resolution,
    }
);

domain_enum!(
    /// How urgent a plan's tickets are.
    Priority = core::Priority {
        /// Standard.
        Standard,
        /// High.
        High,
        /// Critical: served first when experts are scarce.
        Critical,
    }
);

domain_enum!(
    /// Where a ticket is in its workflow.
    TicketStatus = core::TicketStatus {
        /// Waiting for an expert.
        Open,
        /// Offered to an expert who has not answered yet.
        Assigned,
        /// The expert accepted.
        Accepted,
        /// The expert is working on it.
        InProgress,
        /// Waiting on the customer's reply; the deadlines stand still.
        WaitingForCustomer,
        /// The work is done.
        Completed,
        /// Closed for good.
        Closed,
        /// Cancelled.
        Cancelled,
    }
);

domain_enum!(
    /// How a ticket was submitted.
    Channel = core::Channel {
        /// By the customer, on the web.
        Web,
        /// By the call center, on the phone.
        Phone,
    }
);

domain_enum!(
    /// An ISO 4217 currency the business bills in.
    Currency = core::Currency {
        /// United States dollar.
        Usd,
        /// Canadian dollar.
        Cad,
        /// Euro.
        Eur,
    }
);

domain_enum!(
    /// A term of an assignment's cost.
    CostFactor = core::CostFactor {
        /// Travel distance.
        Distance,
        /// Current load.
        Load,
        /// Over-qualification.
        SkillLevel,
        /// Survey rating.
        Rating,
        /// Share of recent work.
        Fairness,
    }
);

domain_enum!(
    /// Why an open ticket is still waiting for an expert.
    WaitReason = core::assignment::WaitReason {
        /// No expert with the skill and level serves the ticket's location.
        NoQualifiedExpertNearby,
        /// Every qualified expert nearby rejected it or let the offer expire.
        DeclinedByEveryQualifiedExpert,
        /// Qualified experts nearby exist, but none is on duty now.
        NoQualifiedExpertOnDuty,
        /// Every qualified expert on duty nearby is at capacity.
        AllQualifiedExpertsBusy,
        /// Offered to an expert who has not answered yet.
        AwaitingExpertAnswer,
    }
);

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[allow(missing_docs)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        match day {
            chrono::Weekday::Mon => Weekday::Monday,
            chrono::Weekday::Tue => Weekday::Tuesday,
            chrono::Weekday::Wed => Weekday::Wednesday,
            chrono::Weekday::Thu => Weekday::Thursday,
            chrono::Weekday::Fri => Weekday::Friday,
            chrono::Weekday::Sat => Weekday::Saturday,
            chrono::Weekday::Sun => Weekday::Sunday,
        }
    }
}

impl From<Weekday> for chrono::Weekday {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Monday => chrono::Weekday::Mon,
            Weekday::Tuesday => chrono::Weekday::Tue,
            Weekday::Wednesday => chrono::Weekday::Wed,
            Weekday::Thursday => chrono::Weekday::Thu,
            Weekday::Friday => chrono::Weekday::Fri,
            Weekday::Saturday => chrono::Weekday::Sat,
            Weekday::Sunday => chrono::Weekday::Sun,
        }
    }
}

domain_enum!(
    /// The kinds of record sysops stores, for the integrity audit.
    RecordKind = core::AggregateKind {
        /// A support plan.
        Plan,
        /// A customer.
        Customer,
        /// An expert profile.
        Expert,
        /// A staff account.
        StaffAccount,
        /// A ticket.
        Ticket,
        /// A customer's subscription (billing).
        Subscription,
        /// One month's invoice (billing).
        Invoice,
        /// A knowledge-base article.
        Article,
        /// A completed ticket's satisfaction survey.
        Survey,
        /// The server's answer to a command an expert's phone queued.
        CommandReceipt,
    }
);

domain_enum!(
    /// What an actor tried to do: the action a `Forbidden` error or a refused ticket command names.
    Action = core::Action {
        CreateStaffAccount,
        ChangeStaffRole,
        DeactivateStaffAccount,
        ReactivateStaffAccount,
        ViewStaffAccount,
        DefinePlan,
        RetirePlan,
        ViewPlan,
        RegisterCustomer,
        UpdateCustomerContact,
        MoveCustomer,
        ChangeCustomerPlan,
        ViewCustomer,
        RegisterExpert,
        UpdateExpertSkills,
        UpdateExpertServiceArea,
        UpdateExpertSchedule,
        AddExpertTimeOff,
        SetExpertCapacity,
        SetExpertActive,
        ViewExpert,
        FindExperts,
        SubmitTicket,
        AssignTicket,
        AcceptAssignment,
        RejectAssignment,
        ExpireAssignment,
        StartWork,
        CompleteWork,
        CancelTicket,
        CloseTicket,
        ReopenTicket,
        WaitForCustomer,
        ReplyToTicket,
        ViewTicket,
        ListOpenTickets,
        ListCustomerTickets,
        ListExpertTickets,
        AuditRecords,
        StartSubscription,
        ReplaceCard,
        CancelSubscription,
        ViewBilling,
        RunBilling,
        RetryPayment,
        RefundPayment,
        VoidInvoice,
        WriteOffInvoice,
        RotateCardKeys,
        WriteArticle,
        ReviseArticle,
        RetireArticle,
        ReadArticles,
        SearchCallers,
        RecordSolution,
        SendNotifications,
        EditTemplates,
        ViewNotifications,
        CheckDeadlines,
        AnswerSurvey,
        ProjectReports,
        ReadReports,
    }
);

domain_enum!(
    /// The card networks sysops accepts.
    CardBrand = core::billing::CardBrand {
        /// Visa.
        Visa,
        /// Mastercard.
        Mastercard,
        /// American Express.
        Amex,
        /// Discover.
        Discover,
        /// Diners Club.
        DinersClub,
        /// JCB.
        Jcb,
        /// UnionPay.
        UnionPay,
    }
);

domain_enum!(
    /// Where an invoice stands.
    InvoiceStatus = core::billing::InvoiceStatus {
        /// Issued, not yet charged.
        Open,
        /// A charge was declined; another is scheduled.
        PaymentFailed,
        /// Every scheduled charge was declined: the account is suspended until it is settled.
        Uncollectible,
        /// Charged (refunds may follow).
        Paid,
        /// Voided by an administrator before it was paid.
        Void,
        /// Written off by an administrator.
        WrittenOff,
    }
);

domain_enum!(
    /// What happened to a line between two revisions of an article.
    DiffOp = core::kb::DiffOp {
        /// In both.
        Same,
        /// Only in the newer revision.
        Added,
        /// Only in the older revision.
        Removed,
    }
);

domain_enum!(
    /// What a helpdesk search text was taken as.
    LookupKind = core::helpdesk::LookupKind {
        /// A ticket's id (a UUID).
        TicketId,
        /// A ticket's number (`HX4TZ-9K2M7`).
        TicketNumber,
        /// An email address.
        Email,
        /// A phone number.
        Phone,
        /// Words of a customer's name.
        Name,
    }
);
