//! Places on Earth and the great-circle distance between them.

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};

/// Mean Earth radius in kilometres (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6_371.008_8;

/// A validated WGS84 coordinate: latitude in [-90, 90], longitude in [-180, 180], both finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPoint", into = "RawPoint")]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

#[derive(Serialize, Deserialize)]
struct RawPoint {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawPoint> for GeoPoint {
    type Error = ValidationError;
    fn try_from(raw: RawPoint) -> Result<Self, Self::Error> {
        GeoPoint::new(raw.lat, raw.lon)
    }
}

impl From<GeoPoint> for RawPoint {
    fn from(p: GeoPoint) -> Self {
        RawPoint { lat: p.lat, lon: p.lon }
    }
}

impl GeoPoint {
    /// A point from degrees; NaN, infinities and out-of-range values are refused.
    ///
    /// ```
    /// use sysops_core::GeoPoint;
    /// assert!(GeoPoint::new(40.7128, -74.0060).is_ok());
    /// assert!(GeoPoint::new(91.0, 0.0).is_err());
    /// ```
    pub fn new(lat: f64, lon: f64) -> Result<Self, ValidationError> {
        if lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            Ok(Self { lat, lon })
        } else {
            Err(ValidationError::InvalidCoordinate { lat, lon })
        }
    }

    /// Latitude in degrees.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Great-circle (haversine) distance in kilometres.
    ///
    /// ```
    /// use sysops_core::GeoPoint;
    /// let nyc = GeoPoint::new(40.71427, -74.00597).unwrap();
    /// let la = GeoPoint::new(34.05223, -118.24368).unwrap();
    /// let km = nyc.distance_km(&la);
    /// assert!((km - 3_936.0).abs() < 5.0, "{km}");
    /// ```
    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_is_zero_to_itself_and_symmetric() {
        let a = GeoPoint::new(47.6062, -122.3321).unwrap();
        let b = GeoPoint::new(25.7617, -80.1918).unwrap();
        assert_eq!(a.distance_km(&a), 0.0);
        assert!((a.distance_km(&b) - b.distance_km(&a)).abs() < 1e-9);
    }

    #[test]
    fn antipodes_are_half_the_circumference_apart() {
        let a = GeoPoint::new(0.0, 0.0).unwrap();
        let b = GeoPoint::new(0.0, 180.0).unwrap();
        assert!((a.distance_km(&b) - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }

    #[test]
    fn refuses_nan_and_out_of_range() {
        for (lat, lon) in [(f64::NAN, 0.0), (0.0, f64::INFINITY), (-90.5, 0.0), (0.0, 180.01)] {
            assert!(matches!(GeoPoint::new(lat, lon), Err(ValidationError::InvalidCoordinate { .. })));
        }
    }

    #[test]
    fn deserializing_an_invalid_point_fails() {
        assert!(serde_json::from_str::<GeoPoint>(r#"{"lat":100.0,"lon":0.0}"#).is_err());
    }
}
