//! Valid domain values and a populated world to test against.

use crate::{
    Actor, Address, AddressLine, Capacity, Contact, Currency, Customer, Description, Email, Error, Expert,
    ExpertProfile, GeoPoint, ManualClock, MessageChannel, Money, NewTicket, PersonName, Phone, PlanName, PlanTerms,
    Priority, ProductCategory, RadiusKm, SequentialIds, Service, SkillLevel, StaffRole, Store, SupportPlan, UserId,
};
use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Monday 2026-03-02 15:00 UTC: 09:00 in Chicago, a working morning.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).single().expect("valid date")
}

pub use crate::plan::sample_targets as targets;

/// A plan covering televisions, computers and audio for 29.99 USD.
pub fn plan_terms() -> PlanTerms {
    PlanTerms {
        name: PlanName::new("Home Premium").unwrap(),
        monthly_fee: Money::new(Decimal::new(2999, 2), Currency::Usd),
        categories: [ProductCategory::Television, ProductCategory::Computer, ProductCategory::Audio].into(),
        priority: Priority::High,
        targets: targets(),
        hours: crate::ServiceHours::AroundTheClock,
        escalation: Some(Email::new("escalations@sysops.example").unwrap()),
    }
}

/// Chicago city centre.
pub fn chicago() -> GeoPoint {
    GeoPoint::new(41.85003, -87.65005).unwrap()
}

/// Customer number `n`'s contact details.
pub fn contact(n: usize) -> Contact {
    Contact {
        name: PersonName::new(format!("Customer {n}")).unwrap(),
        email: Email::new(format!("customer{n}@example.com")).unwrap(),
        phone: Phone::new(format!("+1312555{:04}", n % 10_000)).unwrap(),
        prefers: if n % 2 == 1 { MessageChannel::Sms } else { MessageChannel::Email },
    }
}

/// An address at `location`.
pub fn address(location: GeoPoint) -> Address {
    Address {
        street: AddressLine::new("1 Main St").unwrap(),
        city: AddressLine::new("Chicago").unwrap(),
        region: AddressLine::new("IL").unwrap(),
        postal_code: AddressLine::new("60601").unwrap(),
        location,
        time_zone: chrono_tz::America::Chicago,
    }
}

pub use crate::expert::around_the_clock as always;

/// An expert skilled at `level` in televisions, computers and audio, based in Chicago, 100 km radius.
pub fn profile(n: usize, level: i64) -> ExpertProfile {
    let level = SkillLevel::new(level).unwrap();
    ExpertProfile {
        name: PersonName::new(format!("Expert {n}")).unwrap(),
        skills: BTreeMap::from([
            (ProductCategory::Television, level),
            (ProductCategory::Computer, level),
            (ProductCategory::Audio, level),
        ]),
        base: chicago(),
        radius_km: RadiusKm::new(100).unwrap(),
        hours: always(),
        capacity: Capacity::new(5).unwrap(),
        phone: Some(Phone::new(format!("+1773555{:04}", n % 10_000)).unwrap()),
    }
}

/// A routine television ticket.
pub fn tv_ticket(text: &str) -> NewTicket {
    NewTicket {
        category: ProductCategory::Television,
        description: Description::new(text).unwrap(),
        required_level: SkillLevel::BASIC,
    }
}

/// A service with accounts of every role, one plan, customers and experts, on a manual clock.
pub struct World<S> {
    pub service: Service<S>,
    pub clock: Arc<ManualClock>,
    pub admin: Actor,
    pub helpdesk: Actor,
    pub manager: Actor,
    pub plan: SupportPlan,
    pub customers: Vec<Customer>,
    pub experts: Vec<Expert>,
}

impl<S: Store> World<S> {
    /// Builds the world on `store` with `customers` customers and `experts` experts (skill level 3).
    pub async fn new(store: S, customers: usize, experts: usize) -> Result<Self, Error> {
        let clock = Arc::new(ManualClock::new(t0()).unwrap());
        let service = Service::new(store, clock.clone(), SequentialIds::new(42));
        let staff = |name: &str, role| {
            let service = &service;
            let name = PersonName::new(name).unwrap();
            let email = Email::new(format!("{}@sysops.example", name.as_str().replace(' ', "."))).unwrap();
            async move { service.create_staff_account(Actor::system(), name, email, role).await }
        };
        let admin = Actor::staff(crate::Role::Administrator, staff("Ada Admin", StaffRole::Administrator).await?.id);
        let helpdesk = Actor::staff(crate::Role::Helpdesk, staff("Hal Helpdesk", StaffRole::Helpdesk).await?.id);
        let manager = Actor::staff(crate::Role::Manager, staff("Meg Manager", StaffRole::Manager).await?.id);
        let plan = service.define_plan(admin, plan_terms()).await?;
        let mut world = World { service, clock, admin, helpdesk, manager, plan, customers: vec![], experts: vec![] };
        for n in 0..customers {
            let customer =
                world.service.register_customer(helpdesk, contact(n), address(chicago()), world.plan.id).await?;
            world.customers.push(customer);
        }
        for n in 0..experts {
            world.add_expert(n, 3).await?;
        }
        Ok(world)
    }

    /// Creates an expert account and profile at `level`.
    pub async fn add_expert(&mut self, n: usize, level: i64) -> Result<Expert, Error> {
        let account = self.expert_account(n).await?;
        let expert = self.service.register_expert(self.admin, account, profile(n, level)).await?;
        self.experts.push(expert.clone());
        Ok(expert)
    }

    /// Creates a staff account with the expert role (no profile yet).
    pub async fn expert_account(&self, n: usize) -> Result<UserId, Error> {
        let name = PersonName::new(format!("Expert {n}")).unwrap();
        let email = Email::new(format!("expert{n}@sysops.example")).unwrap();
        Ok(self.service.create_staff_account(self.admin, name, email, StaffRole::Expert).await?.id)
    }

    /// Customer `n` as an actor.
    pub fn customer(&self, n: usize) -> Actor {
        Actor::customer(self.customers[n].id)
    }

    /// Expert `n` as an actor.
    pub fn expert(&self, n: usize) -> Actor {
        Actor::expert(self.experts[n].id)
    }
}
