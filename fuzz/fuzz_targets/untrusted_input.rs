//! Untrusted text and numbers from hosts (forms, FFI, stored JSON) never panic the core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sysops_core::{
    Description, Email, Envelope, GeoPoint, Phone, ProductCategory, SkillLevel, Ticket, TicketEvent, WeeklyHours,
};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Email::new(text.as_ref());
    let _ = Phone::new(text.as_ref());
    let _ = Description::new(text.as_ref());
    let _ = ProductCategory::parse(&text);
    let _ = WeeklyHours::new(&text, vec![]);
    if data.len() >= 16 {
        let (a, b) = data.split_at(8);
        let lat = f64::from_le_bytes(a.try_into().unwrap_or_default());
        let lon = f64::from_le_bytes(b[..8].try_into().unwrap_or_default());
        let _ = GeoPoint::new(lat, lon).map(|p| p.distance_km(&p));
        let _ = SkillLevel::new(i64::from_le_bytes(a.try_into().unwrap_or_default()));
    }
    // Stored events may be corrupted: decoding and replaying them fails cleanly.
    if let Ok(events) = serde_json::from_slice::<Vec<Envelope<TicketEvent>>>(data) {
        let _ = sysops_core::replay::<Ticket>(&events);
    }
});
