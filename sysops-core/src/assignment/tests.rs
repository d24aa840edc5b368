//! The solver against brute force, and the hard constraints on random instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use super::*;
use crate::actor::Actor;
use crate::aggregate::Aggregate;
use crate::event::{Envelope, SCHEMA_VERSION, Sequence};
use crate::expert::around_the_clock as always;
use crate::expert::{Capacity, ExpertEvent, ExpertProfile, RadiusKm};
use crate::geo::GeoPoint;
use crate::id::{AssignmentId, CustomerId, PlanId};
use crate::plan::sample_targets as targets;
use crate::skill::{ProductCategory, SkillLevel};
use crate::text::{Description, PersonName, Reason};
use crate::ticket::TicketEvent;
use chrono::TimeZone;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::collections::HashMap;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

fn envelope<E>(id: Uuid, sequence: u64, payload: E) -> Envelope<E> {
    Envelope {
        schema: SCHEMA_VERSION,
        aggregate_id: id,
        sequence: Sequence(sequence),
        at: now(),
        by: Actor::system(),
        payload,
    }
}

/// A point `(dx, dy)` kilometres east and north of Chicago.
fn near(dx: f64, dy: f64) -> GeoPoint {
    GeoPoint::new(41.85 + dy / 111.2, -87.65 + dx / (111.2 * 41.85f64.to_radians().cos())).unwrap()
}

#[derive(Debug, Clone)]
struct T {
    at: (f64, f64),
    category: u8,
    level: u8,
    priority: u8,
    declined_by: Option<usize>,
}

#[derive(Debug, Clone)]
struct E {
    at: (f64, f64),
    radius: u16,
    skills: Vec<(u8, u8)>,
    on_duty: bool,
    capacity: u8,
    active_load: u8,
    rating: u8,
}

const CATEGORIES: [ProductCategory; 3] =
    [ProductCategory::Television, ProductCategory::Computer, ProductCategory::Audio];

fn ticket(i: usize, t: &T, experts: &[Candidate]) -> Ticket {
    let id = Uuid::from_u128(1_000 + i as u128);
    let submitted = TicketEvent::Submitted {
        ticket: id.into(),
        customer: CustomerId::from_uuid(Uuid::from_u128(7)),
        plan: PlanId::from_uuid(Uuid::from_u128(8)),
        category: CATEGORIES[usize::from(t.category) % 3],
        required_level: SkillLevel::new(i64::from(t.level % 5 + 1)).unwrap(),
        description: Description::new("x").unwrap(),
        location: near(t.at.0, t.at.1),
        channel: crate::Channel::Web,
        priority: [Priority::Standard, Priority::High, Priority::Critical][usize::from(t.priority) % 3],
        targets: targets(),
        hours: crate::ServiceHours::AroundTheClock,
        zone: chrono_tz::Tz::UTC,
    };
    let mut ticket = Ticket::create(&envelope(id, 1, submitted)).unwrap();
    if let Some(e) = t.declined_by.filter(|&e| e < experts.len()) {
        let assignment = AssignmentId::from_uuid(Uuid::from_u128(9_000 + i as u128));
        let offer =
            TicketEvent::Assigned { assignment, expert: experts[e].expert.id, respond_by: now(), rationale: None };
        ticket.apply(&envelope(id, 2, offer)).unwrap();
        let no = TicketEvent::Rejected { assignment, reason: Reason::new("no").unwrap() };
        ticket.apply(&envelope(id, 3, no)).unwrap();
    }
    ticket
}

fn candidate(i: usize, e: &E) -> Candidate {
    let id = Uuid::from_u128(100 + i as u128);
    let skills: BTreeMap<_, _> = e
        .skills
        .iter()
        .map(|&(c, l)| (CATEGORIES[usize::from(c) % 3], SkillLevel::new(i64::from(l % 5 + 1)).unwrap()))
        .collect();
    let hours = if e.on_duty { always() } else { crate::WeeklyHours::new("America/Chicago", vec![]).unwrap() };
    let profile = ExpertProfile {
        name: PersonName::new("E").unwrap(),
        skills,
        base: near(e.at.0, e.at.1),
        radius_km: RadiusKm::new(i64::from(e.radius.clamp(1, 1000))).unwrap(),
        hours,
        capacity: Capacity::new(i64::from(e.capacity.clamp(1, 50))).unwrap(),
        phone: None,
    };
    let expert = Expert::create(&envelope(id, 1, ExpertEvent::Registered { expert: id.into(), profile })).unwrap();
    Candidate {
        expert,
        workload: Workload {
            active: u32::from(e.active_load),
            recent: u32::from(e.rating % 3),
            rating: Some(Rating::new(f64::from(e.rating % 5 + 1)).unwrap()),
        },
    }
}

fn t_strategy() -> impl Strategy<Value = T> {
    ((-25.0f64..25.0, -25.0f64..25.0), 0u8..2, 0u8..3, 0u8..3, prop::option::of(0usize..12))
        .prop_map(|(at, category, level, priority, declined_by)| T { at, category, level, priority, declined_by })
}

fn e_strategy() -> impl Strategy<Value = E> {
    (
        (-25.0f64..25.0, -25.0f64..25.0),
        15u16..60,
        prop::collection::vec((0u8..2, 0u8..5), 1..3),
        prop::bool::weighted(0.8),
        1u8..3,
        0u8..2,
        0u8..5,
    )
        .prop_map(|(at, radius, skills, on_duty, capacity, active_load, rating)| E {
            at,
            radius,
            skills,
            on_duty,
            capacity,
            active_load,
            rating,
        })
}

fn instance(ts: &[T], es: &[E]) -> (Vec<Ticket>, Vec<Candidate>) {
    let experts: Vec<Candidate> = es.iter().enumerate().map(|(i, e)| candidate(i, e)).collect();
    let tickets = ts.iter().enumerate().map(|(i, t)| ticket(i, t, &experts)).collect();
    (tickets, experts)
}

/// Σ (reward − cost) of a plan, the quantity the solver maximises.
fn objective(plan: &Plan, tickets: &[Ticket]) -> i64 {
    plan.offers
        .iter()
        .map(|o| {
            let t = tickets.iter().find(|t| t.id == o.ticket).unwrap();
            reward(t.priority, tickets.len()) - cost::solver_cost(o.rationale.terms())
        })
        .sum()
}

/// The best objective over every way to give each ticket one feasible expert or none.
fn brute_force(tickets: &[Ticket], experts: &[Candidate], weights: &CostWeights) -> i64 {
    let busiest = experts.iter().map(|c| c.workload.recent).max().unwrap_or(0);
    let options: Vec<Vec<(usize, i64)>> = tickets
        .iter()
        .map(|t| {
            experts
                .iter()
                .enumerate()
                .filter(|(_, c)| feasibility::check(t, &c.expert, &c.workload, now()).is_ok())
                .map(|(e, c)| {
                    (
                        e,
                        reward(t.priority, tickets.len())
                            - cost::solver_cost(&cost::terms(t, &c.expert, &c.workload, busiest, weights)),
                    )
                })
                .collect()
        })
        .collect();
    let mut left: Vec<i64> =
        experts.iter().map(|c| i64::from(c.expert.profile.capacity.get()) - i64::from(c.workload.active)).collect();
    fn go(i: usize, options: &[Vec<(usize, i64)>], left: &mut [i64]) -> i64 {
        if i == options.len() {
            return 0;
        }
        let mut best = go(i + 1, options, left);
        for &(e, gain) in &options[i] {
            if left[e] > 0 {
                left[e] -= 1;
                best = best.max(gain + go(i + 1, options, left));
                left[e] += 1;
            }
        }
        best
    }
    go(0, &options, &mut left)
}

/// The most tickets any plan can assign, whatever they cost.
fn max_assignable(tickets: &[Ticket], experts: &[Candidate]) -> usize {
    let options: Vec<Vec<usize>> = tickets
        .iter()
        .map(|t| {
            (0..experts.len())
                .filter(|&e| feasibility::check(t, &experts[e].expert, &experts[e].workload, now()).is_ok())
                .collect()
        })
        .collect();
    let mut left: Vec<i64> =
        experts.iter().map(|c| i64::from(c.expert.profile.capacity.get()) - i64::from(c.workload.active)).collect();
    fn go(i: usize, options: &[Vec<usize>], left: &mut [i64]) -> usize {
        if i == options.len() {
            return 0;
        }
        let mut best = go(i + 1, options, left);
        for &e in &options[i] {
            if left[e] > 0 {
                left[e] -= 1;
                best = best.max(1 + go(i + 1, options, left));
                left[e] += 1;
            }
        }
        best
    }
    go(0, &options, &mut left)
}

/// Weights anywhere in the accepted range, the extremes included.
fn weights_strategy() -> impl Strategy<Value = CostWeights> {
    let w = || prop_oneof![Just(0.0), Just(CostWeights::MAX), 0.0..=CostWeights::MAX];
    (w(), w(), w(), w(), w()).prop_map(|(d, l, o, r, f)| CostWeights::new(d, l, o, r, f).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn more_tickets_always_beat_lower_cost_whatever_the_weights(
        ts in prop::collection::vec(t_strategy(), 0..=7),
        es in prop::collection::vec(e_strategy(), 0..=7),
        weights in weights_strategy(),
    ) {
        let (tickets, experts) = instance(&ts, &es);
        let plan = plan(now(), &tickets, &experts, &weights);
        prop_assert_eq!(plan.offers.len(), max_assignable(&tickets, &experts));
        prop_assert_eq!(objective(&plan, &tickets), brute_force(&tickets, &experts, &weights));
    }

    #[test]
    fn the_solver_is_exactly_as_good_as_brute_force(
        ts in prop::collection::vec(t_strategy(), 0..=7),
        es in prop::collection::vec(e_strategy(), 0..=7),
    ) {
        let (tickets, experts) = instance(&ts, &es);
        let weights = CostWeights::default();
        let plan = plan(now(), &tickets, &experts, &weights);
        prop_assert_eq!(objective(&plan, &tickets), brute_force(&tickets, &experts, &weights));
    }

    #[test]
    fn no_offer_ever_breaks_a_hard_constraint_and_the_plan_is_deterministic(
        ts in prop::collection::vec(t_strategy(), 0..40),
        es in prop::collection::vec(e_strategy(), 0..25),
    ) {
        let (tickets, experts) = instance(&ts, &es);
        let weights = CostWeights::default();
        let first = plan(now(), &tickets, &experts, &weights);
        let mut per_expert: HashMap<ExpertId, u32> = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for offer in &first.offers {
            prop_assert!(seen.insert(offer.ticket), "a ticket offered twice");
            let t = tickets.iter().find(|t| t.id == offer.ticket).unwrap();
            let c = experts.iter().find(|c| c.expert.id == offer.expert).unwrap();
            prop_assert_eq!(feasibility::check(t, &c.expert, &c.workload, now()), Ok(()));
            *per_expert.entry(offer.expert).or_default() += 1;
        }
        for c in &experts {
            let given = per_expert.get(&c.expert.id).copied().unwrap_or(0);
            prop_assert!(c.workload.active + given <= u32::from(c.expert.profile.capacity.get()), "over capacity");
        }
        prop_assert_eq!(first.offers.len() + first.waiting.len(), tickets.len());
        let mut shuffled_t = tickets.clone();
        shuffled_t.reverse();
        let mut shuffled_e = experts.clone();
        shuffled_e.reverse();
        prop_assert_eq!(plan(now(), &shuffled_t, &shuffled_e, &weights), first);
    }
}

#[test]
fn scarce_experts_go_to_urgent_tickets_first() {
    let es =
        [E { at: (0.0, 0.0), radius: 50, skills: vec![(0, 4)], on_duty: true, capacity: 1, active_load: 0, rating: 4 }];
    let mut standard = T { at: (1.0, 0.0), category: 0, level: 0, priority: 0, declined_by: None };
    let critical = T { at: (20.0, 0.0), category: 0, level: 0, priority: 2, declined_by: None };
    standard.at = (0.5, 0.0); // closer, but less urgent
    let (tickets, experts) = instance(&[standard, critical], &es);
    let plan = plan(now(), &tickets, &experts, &CostWeights::default());
    assert_eq!(plan.offers.len(), 1);
    assert_eq!(plan.offers[0].ticket, tickets[1].id, "the critical ticket gets the only expert");
    assert_eq!(plan.waiting, vec![(tickets[0].id, WaitReason::AllQualifiedExpertsBusy)]);
}

#[test]
fn the_batch_beats_first_come_first_served_on_travel() {
    // Two tickets, two experts. Greedy in ticket order gives ticket 0 its nearest expert (B, 1 km),
    // leaving ticket 1 with A far away; the optimum crosses over for less total travel.
    let es = [
        E { at: (0.0, 0.0), radius: 80, skills: vec![(0, 0)], on_duty: true, capacity: 1, active_load: 0, rating: 4 },
        E { at: (10.0, 0.0), radius: 80, skills: vec![(0, 0)], on_duty: true, capacity: 1, active_load: 0, rating: 4 },
    ];
    let ts = [
        T { at: (9.0, 0.0), category: 0, level: 0, priority: 0, declined_by: None },
        T { at: (30.0, 0.0), category: 0, level: 0, priority: 0, declined_by: None },
    ];
    let (tickets, experts) = instance(&ts, &es);
    let plan = plan(now(), &tickets, &experts, &CostWeights::default());
    let km: f64 = plan.offers.iter().map(|o| o.rationale.terms()[0].value()).sum();
    assert_eq!(plan.offers.len(), 2);
    assert!((km - 29.0).abs() < 0.5, "9 + 20 km, not 1 + 30: {km}");
}

#[test]
fn every_reason_for_waiting_is_named() {
    let on = |skills: Vec<(u8, u8)>| E {
        at: (0.0, 0.0),
        radius: 50,
        skills,
        on_duty: true,
        capacity: 1,
        active_load: 0,
        rating: 4,
    };
    let t = T { at: (1.0, 0.0), category: 0, level: 2, priority: 0, declined_by: None };
    let reason = |es: &[E], t: &T| {
        let (tickets, experts) = instance(std::slice::from_ref(t), es);
        wait_reason(now(), &tickets[0], &experts)
    };
    assert_eq!(reason(&[on(vec![(1, 4)])], &t), WaitReason::NoQualifiedExpertNearby);
    assert_eq!(reason(&[E { on_duty: false, ..on(vec![(0, 4)]) }], &t), WaitReason::NoQualifiedExpertOnDuty);
    assert_eq!(reason(&[E { active_load: 1, ..on(vec![(0, 4)]) }], &t), WaitReason::AllQualifiedExpertsBusy);
    let declined = T { declined_by: Some(0), ..t.clone() };
    assert_eq!(reason(&[on(vec![(0, 4)])], &declined), WaitReason::DeclinedByEveryQualifiedExpert);
    assert_eq!(reason(&[], &t), WaitReason::NoQualifiedExpertNearby);
}
