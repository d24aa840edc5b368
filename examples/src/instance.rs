//! A national assignment instance: tickets and experts at real US cities, built without a database.

use crate::cities::{Cities, scatter};
use crate::rng::Rng;
use crate::scenario::expert_profile;
use chrono::{DateTime, Duration, Utc};
use sysops_core::assignment::{Candidate, Rating, Workload};
use sysops_core::{
    Actor, Aggregate, Channel, CustomerId, Description, Envelope, Expert, ExpertEvent, PlanId, Priority,
    ProductCategory, SCHEMA_VERSION, Sequence, ServiceHours, ServiceTargets, SkillLevel, Ticket, TicketEvent,
};
use uuid::Uuid;

fn envelope<E>(id: Uuid, at: DateTime<Utc>, payload: E) -> Envelope<E> {
    Envelope { schema: SCHEMA_VERSION, aggregate_id: id, sequence: Sequence(1), at, by: Actor::system(), payload }
}

/// `experts` experts (with some work already) and `tickets` open tickets, placed by population.
pub fn national(tickets: usize, experts: usize, now: DateTime<Utc>, seed: u64) -> (Vec<Ticket>, Vec<Candidate>) {
    let cities = Cities::load();
    let mut rng = Rng::new(seed);
    let candidates = (0..experts)
        .map(|n| {
            let id = Uuid::from_u128(0x1000_0000 + n as u128);
            let profile = expert_profile(n, cities.sample(&mut rng), &mut rng);
            let capacity = u64::from(profile.capacity.get());
            let expert = Expert::create(&envelope(id, now, ExpertEvent::Registered { expert: id.into(), profile }))
                .expect("a registration event creates an expert");
            let workload = Workload {
                active: rng.range(0, capacity / 2) as u32,
                recent: rng.range(0, 6) as u32,
                rating: Rating::new(3.0 + rng.unit() * 2.0).ok(),
            };
            Candidate { expert, workload }
        })
        .collect();
    let targets = ServiceTargets {
        answer_within: Duration::minutes(30),
        respond_within: Duration::hours(4),
        resolve_within: Duration::days(2),
        reopen_within: Duration::days(7),
    };
    let tickets = (0..tickets)
        .map(|n| {
            let id = Uuid::from_u128(0x2000_0000 + n as u128);
            let city = cities.sample(&mut rng);
            let submitted = TicketEvent::Submitted {
                ticket: id.into(),
                customer: CustomerId::from_uuid(Uuid::from_u128(n as u128)),
                plan: PlanId::from_uuid(Uuid::from_u128(1)),
                category: *rng.pick(&ProductCategory::ALL),
                required_level: SkillLevel::new([1, 1, 2, 2, 3][rng.range(0, 4) as usize]).expect("1..=5"),
                description: Description::new("benchmark ticket").expect("non-empty"),
                location: scatter(&city.point, 10.0, &mut rng),
                channel: Channel::Web,
                priority: [Priority::Standard, Priority::Standard, Priority::High, Priority::Critical]
                    [rng.range(0, 3) as usize],
                targets,
                hours: ServiceHours::AroundTheClock,
                zone: chrono_tz::Tz::UTC,
            };
            Ticket::create(&envelope(id, now - Duration::minutes(rng.range(0, 120) as i64), submitted))
                .expect("a submission event creates a ticket")
        })
        .collect();
    (tickets, candidates)
}
