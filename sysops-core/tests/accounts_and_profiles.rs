//! Staff accounts, plans, customers and experts: the rules around the ticket workflow.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chrono::Duration;
use futures::executor::block_on;
use rust_decimal::Decimal;
use sysops_core::testing::fixtures::{World, address, chicago, contact, plan_terms, profile};
use sysops_core::{
    Actor, Clock, Currency, CustomerCommand, CustomerId, Error, ExpertCommand, GeoPoint, MemoryStore, Money, Role,
    RuleError, StaffCommand, StaffEvent, StaffRole, TimeOff, UserId, ValidationError,
};
use uuid::Uuid;

fn fresh() -> World<MemoryStore> {
    block_on(World::new(MemoryStore::new(), 1, 1)).unwrap()
}

#[test]
fn every_change_to_a_staff_account_records_who_did_it_and_when() {
    let w = fresh();
    let hal = UserId::from_uuid(w.helpdesk.id);
    block_on(w.service.change_staff_account(w.admin, hal, StaffCommand::ChangeRole(StaffRole::Manager))).unwrap();
    w.clock.advance(Duration::hours(1)).unwrap();
    let account = block_on(w.service.change_staff_account(w.admin, hal, StaffCommand::Deactivate)).unwrap();
    assert!(!account.active);
    assert_eq!(account.role, StaffRole::Manager);
    let history = block_on(w.service.staff_account_history(w.admin, hal)).unwrap();
    let summary: Vec<_> = history.iter().map(|e| (e.payload.clone(), e.by, e.at)).collect();
    let t0 = sysops_core::testing::fixtures::t0();
    assert_eq!(
        summary[1],
        (StaffEvent::RoleChanged { from: StaffRole::Helpdesk, to: StaffRole::Manager }, w.admin, t0)
    );
    assert_eq!(summary[2], (StaffEvent::Deactivated, w.admin, t0 + Duration::hours(1)));
    assert_eq!(summary[0].1, Actor::system(), "the bootstrap account creation is attributed to the system");
}

#[test]
fn a_changed_role_takes_effect_at_once() {
    let w = fresh();
    let hal = UserId::from_uuid(w.helpdesk.id);
    block_on(w.service.change_staff_account(w.admin, hal, StaffCommand::ChangeRole(StaffRole::Manager))).unwrap();
    let as_helpdesk =
        block_on(w.service.submit_ticket(w.helpdesk, w.customers[0].id, sysops_core::testing::model::sample_ticket()));
    assert!(matches!(as_helpdesk, Err(Error::Forbidden(_))));
    let as_manager = Actor::staff(Role::Manager, hal);
    assert!(block_on(w.service.customer(as_manager, w.customers[0].id)).is_ok());
}

#[test]
fn a_customer_signs_up_under_their_own_id_once() {
    let w = fresh();
    let me = Actor::customer(CustomerId::from_uuid(Uuid::from_u128(77)));
    let customer = block_on(w.service.register_customer(me, contact(5), address(chicago()), w.plan.id)).unwrap();
    assert_eq!(customer.id.as_uuid(), me.id);
    let again = block_on(w.service.register_customer(me, contact(5), address(chicago()), w.plan.id));
    assert!(matches!(again, Err(Error::Rule(RuleError::AlreadyExists { .. }))));
}

#[test]
fn a_retired_plan_takes_no_new_customers_but_keeps_its_old_ones() {
    let w = fresh();
    block_on(w.service.retire_plan(w.admin, w.plan.id)).unwrap();
    let refused = block_on(w.service.register_customer(w.helpdesk, contact(9), address(chicago()), w.plan.id));
    assert!(matches!(refused, Err(Error::Rule(RuleError::PlanRetired { .. }))));
    assert_eq!(block_on(w.service.customer(w.helpdesk, w.customers[0].id)).unwrap().plan, w.plan.id);
}

#[test]
fn plan_terms_are_validated() {
    let w = fresh();
    let mut negative = plan_terms();
    negative.monthly_fee = Money::new(Decimal::new(-1, 0), Currency::Usd);
    let err = block_on(w.service.define_plan(w.admin, negative)).unwrap_err();
    assert!(matches!(err, Error::Invalid(ValidationError::Negative { field: "monthly_fee" })));
    let mut nothing = plan_terms();
    nothing.categories.clear();
    let err = block_on(w.service.define_plan(w.admin, nothing)).unwrap_err();
    assert!(matches!(err, Error::Invalid(ValidationError::NoEntries { field: "categories" })));
    let mut zero = plan_terms();
    zero.targets.answer_within = Duration::zero();
    let err = block_on(w.service.define_plan(w.admin, zero)).unwrap_err();
    assert!(matches!(err, Error::Invalid(ValidationError::OutOfRange { field: "answer_within", .. })));
}

#[test]
fn a_customer_update_that_changes_nothing_is_refused_and_writes_nothing() {
    let w = fresh();
    let c = &w.customers[0];
    let same = CustomerCommand::UpdateContact(c.contact.clone());
    let err = block_on(w.service.update_customer(w.customer(0), c.id, same)).unwrap_err();
    assert!(matches!(err, Error::Rule(RuleError::NoChange { .. })));
    let moved = address(GeoPoint::new(41.88, -87.63).unwrap());
    let after = block_on(w.service.update_customer(w.customer(0), c.id, CustomerCommand::Move(moved.clone()))).unwrap();
    assert_eq!(after.address, moved);
}

#[test]
fn an_expert_profile_needs_an_active_expert_account() {
    let w = fresh();
    let hal = UserId::from_uuid(w.helpdesk.id);
    let err = block_on(w.service.register_expert(w.admin, hal, profile(1, 2))).unwrap_err();
    assert!(matches!(err, Error::Rule(RuleError::NotAnExpertAccount { .. })));
    let existing = UserId::from(w.experts[0].id);
    let err = block_on(w.service.register_expert(w.admin, existing, profile(1, 2))).unwrap_err();
    assert!(matches!(err, Error::Rule(RuleError::AlreadyExists { .. })));
}

#[test]
fn time_off_makes_an_expert_unavailable_only_while_it_lasts() {
    let w = fresh();
    let now = w.clock.now();
    let off = TimeOff::new(now + Duration::hours(1), now + Duration::hours(3)).unwrap();
    let e = block_on(w.service.update_expert(w.admin, w.experts[0].id, ExpertCommand::AddTimeOff(off))).unwrap();
    assert!(e.is_available_at(now));
    assert!(!e.is_available_at(now + Duration::hours(2)));
    assert!(e.is_available_at(now + Duration::hours(3)));
}

#[test]
fn an_expert_qualifies_by_skill_level_and_distance() {
    use sysops_core::{ProductCategory as P, SkillLevel, Unqualified};
    let w = fresh();
    let e = &w.experts[0];
    let level = |n| SkillLevel::new(n).unwrap();
    let milwaukee = GeoPoint::new(43.0389, -87.9065).unwrap(); // ~130 km from Chicago
    assert_eq!(e.qualifies_for(P::Television, level(3), &chicago()), Ok(()));
    assert_eq!(e.qualifies_for(P::Television, level(4), &chicago()), Err(Unqualified::LevelTooLow));
    assert_eq!(e.qualifies_for(P::Printer, level(1), &chicago()), Err(Unqualified::NoSkill));
    assert_eq!(e.qualifies_for(P::Television, level(1), &milwaukee), Err(Unqualified::OutOfArea));
}
