//! A grid index of service areas, so each ticket only meets the experts who could reach it.

use crate::geo::GeoPoint;
use std::collections::HashMap;

/// Cell size in degrees of latitude and longitude.
const CELL_DEG: f64 = 1.0;

/// Maps grid cells to the experts whose service disc overlaps them.
pub(crate) struct AreaIndex {
    cells: HashMap<(i32, i32), Vec<usize>>,
}

fn cell(lat: f64, lon: f64) -> (i32, i32) {
    ((lat / CELL_DEG).floor() as i32, (lon / CELL_DEG).floor() as i32)
}

impl AreaIndex {
    /// Indexes discs `(centre, radius_km)`, identified by position.
    pub(crate) fn new(discs: impl IntoIterator<Item = (GeoPoint, f64)>) -> Self {
        let mut cells: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
        for (i, (centre, radius_km)) in discs.into_iter().enumerate() {
            // A bounding box in degrees, widened towards the poles (and capped there).
            let dlat = radius_km / 110.5 + 0.01;
            let cos = centre.lat().to_radians().cos().max(0.05);
            let dlon = (radius_km / (111.3 * cos) + 0.01).min(180.0);
            let (lat0, lon0) = cell(centre.lat() - dlat, centre.lon() - dlon);
            let (lat1, lon1) = cell(centre.lat() + dlat, centre.lon() + dlon);
            for la in lat0..=lat1 {
                for lo in lon0..=lon1 {
                    cells.entry((la, lo)).or_default().push(i);
                }
            }
        }
        Self { cells }
    }

    /// Positions of the discs that may contain `point` (a superset; check the distance).
    pub(crate) fn near(&self, point: &GeoPoint) -> &[usize] {
        self.cells.get(&cell(point.lat(), point.lon())).map_or(&[], Vec::as_slice)
    }
}
