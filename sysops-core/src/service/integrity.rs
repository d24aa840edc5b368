//! Integrity: every stored record checked against its history, and the quarantine list.

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::billing::{Invoice, Subscription};
use crate::customer::Customer;
use crate::event::{AggregateKind, StreamId};
use crate::expert::Expert;
use crate::kb::Article;
use crate::persist::{self, Listing, Page, Quarantined};
use crate::plan::SupportPlan;
use crate::staff::StaffAccount;
use crate::store::Store;
use crate::ticket::Ticket;

impl<S: Store> Service<S> {
    /// Checks every stored record of `kind` on `page` (in id order): its state decodes, and
    /// its history decodes and replays to exactly that state. `items` lists the healthy
    /// records, `quarantined` the others with what is wrong; follow `next` to walk them all.
    /// Administrators (and the system) only.
    pub async fn quarantined_records(
        &self,
        actor: Actor,
        kind: AggregateKind,
        page: Page,
    ) -> Result<Listing<StreamId>, Error> {
        let actor = self.verify(actor, Action::AuditRecords).await?;
        authorize(&actor, Action::AuditRecords, Target::default())?;
        let store = self.store_for(kind);
        let rows = store.states(kind, page).await?;
        let mut listing =
            Listing { items: Vec::new(), quarantined: Vec::new(), next: persist::next_after(&rows, page) };
        for row in &rows {
            let audit = match kind {
                AggregateKind::Plan => persist::audit_stream::<SupportPlan, S>(store, row).await,
                AggregateKind::Customer => persist::audit_stream::<Customer, S>(store, row).await,
                AggregateKind::Expert => persist::audit_stream::<Expert, S>(store, row).await,
                AggregateKind::StaffAccount => persist::audit_stream::<StaffAccount, S>(store, row).await,
                AggregateKind::Ticket => persist::audit_stream::<Ticket, S>(store, row).await,
                AggregateKind::Subscription => persist::audit_stream::<Subscription, S>(store, row).await,
                AggregateKind::Invoice => persist::audit_stream::<Invoice, S>(store, row).await,
                AggregateKind::Article => persist::audit_stream::<Article, S>(store, row).await,
                AggregateKind::Survey => persist::audit_stream::<crate::survey::Survey, S>(store, row).await,
                AggregateKind::CommandReceipt => {
                    persist::audit_stream::<crate::sync::CommandReceipt, S>(store, row).await
                }
            };
            match audit {
                Ok(()) => listing.items.push(row.stream),
                Err(e) => listing.quarantined.push(Quarantined::from_error(e)?),
            }
        }
        Ok(listing)
    }
}
