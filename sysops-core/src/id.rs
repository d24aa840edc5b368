//! Typed identifiers: UUID v7 newtypes so a ticket id can never be passed where a customer id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID (for example one read back from storage).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "({})"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A trouble ticket.
    TicketId,
    "TicketId"
);
id_type!(
    /// A customer (also the id a customer acts under).
    CustomerId,
    "CustomerId"
);
id_type!(
    /// An expert's profile; it is the same UUID as the expert's staff account.
    ExpertId,
    "ExpertId"
);
id_type!(
    /// An internal (staff) user account: administrator, helpdesk, manager or expert.
    UserId,
    "UserId"
);
id_type!(
    /// A support plan.
    PlanId,
    "PlanId"
);
id_type!(
    /// One attempt to assign a ticket to an expert.
    AssignmentId,
    "AssignmentId"
);

id_type!(
    /// A customer's subscription to a support plan, in the billing quantum. A customer has
    /// one, and it is the same UUID as the customer.
    SubscriptionId,
    "SubscriptionId"
);
id_type!(
    /// One month's invoice of a subscription. Derived from the subscription and the period
    /// ([`InvoiceId::of`]), so a rerun of the billing run finds the invoice it already issued.
    InvoiceId,
    "InvoiceId"
);
id_type!(
    /// The vault's handle on a card number: all that leaves the vault.
    CardToken,
    "CardToken"
);
id_type!(
    /// A knowledge-base article, the same through all its revisions.
    ArticleId,
    "ArticleId"
);

id_type!(
    /// The satisfaction survey of one completion of a ticket. Derived from the ticket and the
    /// completion's place in its history ([`SurveyId::of`]), so the consumer that issues it
    /// finds it again after a crash, and a token can name it.
    SurveyId,
    "SurveyId"
);

id_type!(
    /// A command an expert's phone queued ([`crate::sync`]), named by the phone when the
    /// expert gave it: the server applies each command id once, however often it is sent.
    CommandId,
    "CommandId"
);

impl SurveyId {
    /// The survey of the completion recorded as event `completion` of `ticket`: the ticket's
    /// id with the sequence's low 48 bits mixed into its six timestamp bytes, as
    /// [`InvoiceId::of`] mixes a period, so it lives on the ticket's (its customer's) shard.
    pub fn of(ticket: TicketId, completion: u64) -> Self {
        let mut bytes = *ticket.0.as_bytes();
        let low = completion.to_be_bytes();
        for (byte, s) in bytes.iter_mut().zip(low.iter().skip(2)) {
            *byte ^= s;
        }
        Self(uuid::Builder::from_custom_bytes(bytes).into_uuid())
    }
}

impl From<CustomerId> for SubscriptionId {
    /// A customer's subscription shares the customer's id.
    fn from(customer: CustomerId) -> Self {
        SubscriptionId(customer.0)
    }
}

impl InvoiceId {
    /// The invoice of `subscription` for the period numbered `period` (months since year 0):
    /// a UUID v8 holding the subscription's id with the period mixed into its timestamp bits,
    /// stored on the subscription's (its customer's) shard. Two periods of one subscription
    /// never share an id; two subscriptions could only if their ids agreed in their last 12
    /// bytes, 74 of whose bits are random.
    pub fn of(subscription: SubscriptionId, period: u32) -> Self {
        let mut bytes = *subscription.0.as_bytes();
        // The first six bytes of a v7 id are its millisecond timestamp; XOR-ing the period
        // into the first four keeps the mapping one-to-one for a fixed subscription, and the
        // rest of the subscription's 74 random bits tell subscriptions apart.
        for (byte, p) in bytes.iter_mut().zip(period.to_be_bytes()) {
            *byte ^= p;
        }
        Self(uuid::Builder::from_custom_bytes(bytes).into_uuid())
    }
}

impl From<UserId> for ExpertId {
    /// An expert's profile shares the id of the expert's staff account.
    fn from(user: UserId) -> Self {
        ExpertId(user.0)
    }
}

impl From<ExpertId> for UserId {
    fn from(expert: ExpertId) -> Self {
        UserId(expert.0)
    }
}
