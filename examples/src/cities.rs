//! The US cities of `data/us_cities.csv` (GeoNames, CC BY 4.0), sampled by population.

use crate::rng::Rng;
use sysops_core::GeoPoint;

/// The shipped city list, compiled in so the demo runs from any directory.
const CSV: &str = include_str!("../data/us_cities.csv");

/// A city.
#[derive(Debug, Clone)]
pub struct City {
    /// Name.
    pub name: String,
    /// Two-letter state.
    pub state: String,
    /// Centre.
    pub point: GeoPoint,
    /// Inhabitants.
    pub population: u64,
    /// IANA time zone.
    pub zone: String,
}

/// All cities with a cumulative population table for weighted sampling.
pub struct Cities {
    cities: Vec<City>,
    cumulative: Vec<u64>,
}

impl Cities {
    /// Parses the shipped CSV.
    pub fn load() -> Self {
        let cities: Vec<City> = CSV.lines().skip(1).filter_map(parse).collect();
        let mut total = 0;
        let cumulative = cities
            .iter()
            .map(|c| {
                total += c.population;
                total
            })
            .collect();
        Self { cities, cumulative }
    }

    /// How many cities there are.
    pub fn len(&self) -> usize {
        self.cities.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.cities.is_empty()
    }

    /// A city drawn with probability proportional to its population.
    pub fn sample(&self, rng: &mut Rng) -> &City {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let target = rng.next_u64() % total;
        let i = self.cumulative.partition_point(|&c| c <= target);
        &self.cities[i.min(self.cities.len() - 1)]
    }
}

fn parse(line: &str) -> Option<City> {
    let f: Vec<&str> = line.split(',').collect();
    let [_, name, state, lat, lon, population, zone] = f.as_slice() else { return None };
    Some(City {
        name: (*name).to_owned(),
        state: (*state).to_owned(),
        point: GeoPoint::new(lat.parse().ok()?, lon.parse().ok()?).ok()?,
        population: population.parse().ok()?,
        zone: (*zone).to_owned(),
    })
}

/// A point up to `km` kilometres from `centre`, uniformly over the disc.
pub fn scatter(centre: &GeoPoint, km: f64, rng: &mut Rng) -> GeoPoint {
    let distance = km * rng.unit().sqrt();
    let bearing = rng.unit() * std::f64::consts::TAU;
    let dlat = distance * bearing.cos() / 111.2;
    let dlon = distance * bearing.sin() / (111.2 * centre.lat().to_radians().cos().max(0.01));
    GeoPoint::new((centre.lat() + dlat).clamp(-90.0, 90.0), (centre.lon() + dlon).clamp(-180.0, 180.0))
        .unwrap_or(*centre)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_cities_load_and_big_ones_are_drawn_more() {
        let cities = Cities::load();
        assert_eq!(cities.len(), 3407);
        let mut rng = Rng::new(1);
        let nyc = (0..20_000).filter(|_| cities.sample(&mut rng).name == "New York City").count();
        // New York holds about 3% of the listed population.
        assert!((300..1000).contains(&nyc), "{nyc}");
    }

    #[test]
    fn scattered_points_stay_within_the_radius() {
        let mut rng = Rng::new(2);
        let centre = GeoPoint::new(40.0, -100.0).unwrap();
        assert!((0..1000).all(|_| scatter(&centre, 10.0, &mut rng).distance_km(&centre) <= 10.05));
    }
}
