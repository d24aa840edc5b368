//! The expert search.

use super::world;
use crate::store::{self, ExpertQuery, Page};
use crate::{ExpertCommand, GeoPoint, ProductCategory, RadiusKm, SkillLevel, Store};

/// Generates one `#[test]` per [`ExpertStore`](crate::store::ExpertStore) case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! expert_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::expert_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            experts_are_found_by_skill_level_area_and_activity,
        );
    };
}

pub async fn experts_are_found_by_skill_level_area_and_activity<S: Store>(store: S) {
    let mut w = world(store).await;
    let master = w.add_expert(7, 5).await.expect("expert");
    let far = w.add_expert(8, 3).await.expect("expert");
    let denver = GeoPoint::new(39.7392, -104.9903).expect("point");
    let area = ExpertCommand::SetServiceArea { base: denver, radius_km: RadiusKm::new(50).expect("radius") };
    w.service.update_expert(w.admin, far.id, area).await.expect("move");
    w.service.update_expert(w.admin, w.experts[1].id, ExpertCommand::SetActive(false)).await.expect("deactivate");
    let find = |query| w.service.find_experts(w.helpdesk, query, Page::first(100));
    let ids = |experts: store::Listing<crate::Expert>| experts.iter().map(|e| e.id).collect::<Vec<_>>();
    let tv = Some(ProductCategory::Television);
    let level4 =
        ExpertQuery { category: tv, min_level: Some(SkillLevel::new(4).expect("level")), ..Default::default() };
    assert_eq!(ids(find(level4).await.expect("find")), [master.id]);
    let active_chicago = ExpertQuery {
        category: tv,
        serving: Some(crate::testing::fixtures::chicago()),
        active_only: true,
        ..Default::default()
    };
    assert_eq!(ids(find(active_chicago).await.expect("find")), [w.experts[0].id, master.id]);
    let in_denver = ExpertQuery { serving: Some(denver), ..Default::default() };
    assert_eq!(ids(find(in_denver).await.expect("find")), [far.id]);
    let printers = ExpertQuery { category: Some(ProductCategory::Printer), ..Default::default() };
    assert!(find(printers).await.expect("find").is_empty());
}
