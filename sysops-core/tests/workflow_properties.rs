//! Property tests: random command sequences over many tickets keep every invariant,
//! and no input, however malformed, makes a constructor panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use futures::executor::block_on;
use proptest::prelude::*;
use rust_decimal::Decimal;
use sysops_core::testing::model::{Op, Simulation};
use sysops_core::{Currency, Description, Email, GeoPoint, MemoryStore, Money, Phone, SkillLevel};

fn op() -> impl Strategy<Value = Op> {
    (any::<u8>(), any::<u8>(), any::<u8>(), any::<u16>()).prop_map(|(kind, ticket, who, arg)| Op {
        kind,
        ticket,
        who,
        arg,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Replaying events rebuilds the identical state, sequences are gap-free, every
    /// open ticket is in the open query, no ticket is lost, and the system accepts
    /// exactly the transitions the reference model allows.
    #[test]
    fn random_command_sequences_keep_every_invariant(ops in prop::collection::vec(op(), 1..160)) {
        block_on(async {
            let mut sim = Simulation::new(MemoryStore::new()).await.expect("world");
            for (i, op) in ops.iter().enumerate() {
                if let Err(violation) = sim.step(*op).await {
                    return Err(TestCaseError::fail(format!("step {i} {op:?}: {violation}")));
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn text_validation_never_panics(s in ".{0,300}") {
        let _ = Email::new(s.clone());
        let _ = Phone::new(s.clone());
        let _ = Description::new(s.clone());
        let _ = sysops_core::ProductCategory::parse(&s);
        let _ = Currency::parse(&s);
        let _ = sysops_core::WeeklyHours::new(&s, vec![]);
    }

    #[test]
    fn numbers_are_validated_not_trusted(lat in any::<f64>(), lon in any::<f64>(), level in any::<i64>()) {
        match GeoPoint::new(lat, lon) {
            Ok(p) => prop_assert!(p.lat().abs() <= 90.0 && p.lon().abs() <= 180.0),
            Err(_) => prop_assert!(!(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0)),
        }
        prop_assert_eq!(SkillLevel::new(level).is_ok(), (1..=5).contains(&level));
    }

    #[test]
    fn distances_are_symmetric_and_bounded(a in (-90.0f64..=90.0, -180.0f64..=180.0), b in (-90.0f64..=90.0, -180.0f64..=180.0)) {
        let (p, q) = (GeoPoint::new(a.0, a.1).unwrap(), GeoPoint::new(b.0, b.1).unwrap());
        let d = p.distance_km(&q);
        prop_assert!((d - q.distance_km(&p)).abs() < 1e-6);
        prop_assert!((0.0..=std::f64::consts::PI * sysops_core::EARTH_RADIUS_KM + 1e-6).contains(&d));
    }

    #[test]
    fn money_rounds_to_the_nearest_cent(units in any::<i64>(), scale in 0u32..8) {
        let exact = Decimal::new(units, scale);
        let money = Money::new(exact, Currency::Usd);
        prop_assert_eq!(money.amount().scale(), 2);
        prop_assert!((money.amount() - exact).abs() <= Decimal::new(5, 3));
    }
}
