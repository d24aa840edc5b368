//! The monthly run never bills or charges twice, whatever customers, administrators and the
//! payment gateway do around it; and billing is only for the customer themself and
//! administrators.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use futures::executor::block_on;
use proptest::prelude::*;
use sysops_core::billing::{
    BillingError, BillingPeriod, CardExpiry, CardNumber, Cvv, NewCard, Simulated, SimulatedGateway,
};
use sysops_core::testing::conformance::{Step, check_history};
use sysops_core::testing::fixtures::World;
use sysops_core::{Actor, Clock, Error, MemoryStore};

fn step() -> impl Strategy<Value = Step> {
    let behaviour = prop_oneof![
        Just(Simulated::Approve),
        Just(Simulated::Decline("insufficient funds".into())),
        Just(Simulated::Unavailable),
        Just(Simulated::Timeout),
        Just(Simulated::LostAnswer),
    ];
    prop_oneof![
        3 => (1i64..12).prop_map(Step::Days),
        3 => Just(Step::Run),
        1 => Just(Step::RunTwice),
        2 => (0usize..3, prop::collection::vec(behaviour, 1..4)).prop_map(|(c, s)| Step::Script(c, s)),
        1 => (0usize..3).prop_map(Step::SwitchPlan),
        1 => (0usize..3).prop_map(Step::Cancel),
        1 => (0usize..3).prop_map(Step::Retry),
        1 => (0usize..3, 1i64..4000).prop_map(|(c, a)| Step::Refund(c, a)),
        1 => (0usize..3).prop_map(Step::WriteOff),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random plan changes, runs, reruns, declines, outages, lost answers, retries, refunds
    /// and write-offs: never two invoices for one subscription and period, never a charge
    /// without an invoice, never two charges of one invoice, money conserved to the cent.
    #[test]
    fn the_books_balance_whatever_happens(steps in prop::collection::vec(step(), 1..40)) {
        block_on(check_history(MemoryStore::new(), steps));
    }
}

fn card(world: &World<MemoryStore>, n: usize) -> NewCard {
    NewCard {
        number: CardNumber::parse("4242 4242 4242 4242").unwrap(),
        expiry: CardExpiry::new(2040, 1).unwrap(),
        holder: world.customers[n].contact.name.clone(),
        cvv: Some(Cvv::parse("123").unwrap()),
    }
}

#[test]
fn billing_is_for_the_customer_themself_and_administrators() {
    block_on(async {
        let world = World::new(MemoryStore::new(), 2, 0).await.unwrap();
        let (me, other) = (world.customers[0].id, world.customers[1].id);
        let refused = world.service.start_subscription(world.customer(0), other, card(&world, 0)).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
        let subscription = world.service.start_subscription(world.customer(0), me, card(&world, 0)).await.unwrap();
        assert_eq!(subscription.card.last4.as_str(), "4242");
        assert!(!format!("{subscription:?}").contains("4242 4242"));
        for actor in [world.helpdesk, world.manager, world.customer(1)] {
            let refused = world.service.subscription(actor, me).await;
            assert!(matches!(refused, Err(Error::Forbidden(_))), "{actor:?}: {refused:?}");
            let refused = world.service.invoices(actor, me, sysops_core::store::Page::first(10)).await;
            assert!(matches!(refused, Err(Error::Forbidden(_))), "{actor:?}: {refused:?}");
        }
        assert_eq!(world.service.subscription(world.admin, me).await.unwrap(), subscription);
        let twice = world.service.start_subscription(world.admin, me, card(&world, 0)).await;
        assert!(matches!(twice, Err(Error::Billing(BillingError::AlreadySubscribed { .. }))), "{twice:?}");
    });
}

#[test]
fn a_month_is_billed_only_once_it_has_ended() {
    block_on(async {
        let world = World::new(MemoryStore::new(), 1, 0).await.unwrap();
        let current = BillingPeriod::containing(world.clock.now()).unwrap();
        let refused = world.service.run_billing(Actor::system(), current, &SimulatedGateway::new()).await;
        assert!(matches!(refused, Err(Error::Billing(BillingError::NotEnded { .. }))), "{refused:?}");
        let refused = world.service.run_billing(world.customer(0), current, &SimulatedGateway::new()).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    });
}

#[test]
fn an_account_whose_every_retry_failed_is_suspended_until_the_invoice_is_settled() {
    block_on(async {
        let world = World::new(MemoryStore::new(), 1, 0).await.unwrap();
        let me = world.customers[0].id;
        let number = CardNumber::parse("4242424242424242").unwrap();
        world.service.start_subscription(world.customer(0), me, card(&world, 0)).await.unwrap();
        let gateway = SimulatedGateway::new();
        gateway.script(&number, vec![Simulated::Decline("do not honor".into())]);
        let march = BillingPeriod::parse("2026-03").unwrap();
        world.clock.advance(chrono::Duration::days(30)).unwrap();
        let first = world.service.run_billing(Actor::system(), march, &gateway).await.unwrap();
        assert_eq!(first.issued, 1);
        assert_eq!(first.declined.len(), 1);
        // Retries after 1, 3 and 7 days; the last one fails and the account is suspended.
        for days in [1, 2] {
            world.clock.advance(chrono::Duration::days(days)).unwrap();
            let report = world.service.run_billing(Actor::system(), march, &gateway).await.unwrap();
            assert_eq!((report.issued, report.declined.len(), report.suspended.len()), (0, 1, 0));
        }
        world.clock.advance(chrono::Duration::days(4)).unwrap();
        let last = world.service.run_billing(Actor::system(), march, &gateway).await.unwrap();
        assert_eq!(last.suspended, [me]);
        let refused =
            world.service.submit_ticket(world.customer(0), me, sysops_core::testing::fixtures::tv_ticket("tv")).await;
        assert!(
            matches!(refused, Err(Error::Ticket(sysops_core::TicketError::AccountSuspended { .. }))),
            "{refused:?}"
        );
        // The customer pays with a working card: an administrator retries, the account is back.
        gateway.script(&number, vec![Simulated::Approve]);
        let invoice = first.declined[0].0;
        let reason = sysops_core::Reason::new("card fixed").unwrap();
        let paid = world.service.retry_payment(world.admin, invoice, reason, &gateway).await.unwrap();
        assert_eq!(paid.status, sysops_core::billing::InvoiceStatus::Paid);
        assert_eq!(world.service.customer(world.admin, me).await.unwrap().suspended_for, None);
        world
            .service
            .submit_ticket(world.customer(0), me, sysops_core::testing::fixtures::tv_ticket("tv"))
            .await
            .unwrap();
        assert_eq!(gateway.charges().len(), 1);
    });
}
