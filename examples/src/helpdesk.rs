//! The helpdesk's half of the demo: returning callers found while they are on the line, by
//! the phone number they call from (written as people write it), by a few letters of their
//! name, and their ticket by the number they read out.

use crate::rng::Rng;
use std::time::Instant;
use sysops_core::helpdesk::{TicketSearch, Window};
use sysops_core::{Actor, Customer, Store};

/// A US number `+1AAABBBCCCC` in the `style`th of the four ways people write it.
pub fn written(phone: &str, style: u64) -> String {
    let digits = phone.trim_start_matches("+1");
    let (area, rest) = digits.split_at(3.min(digits.len()));
    let (exchange, line) = rest.split_at(3.min(rest.len()));
    match style % 4 {
        0 => format!("({area}) {exchange}-{line}"),
        1 => format!("{area}.{exchange}.{line}"),
        2 => format!("+1 {area} {exchange} {line}"),
        _ => format!("{area}-{exchange}-{line}"),
    }
}

/// What a caller spells out of their name: the first word and the start of the second
/// ("amara Sil"), or the whole name when it has one word.
pub fn partial_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [given, family, ..] => format!("{} {}", given.to_lowercase(), family.chars().take(3).collect::<String>()),
        _ => name.to_owned(),
    }
}

/// Five callers found by phone, one by name, and a ticket by its number, with timings.
pub async fn callers_on_the_line<S: Store>(
    service: &sysops_core::Service<S>,
    helpdesk: Actor,
    customers: &[Customer],
    rng: &mut Rng,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("\n=== Helpdesk: callers on the line ===");
    let first = Window::new(0, 5)?;
    let mut last_ticket = None;
    for call in 0..5u64 {
        let Some(caller) = customers.get(rng.range(0, customers.len().saturating_sub(1) as u64) as usize) else {
            return Ok(());
        };
        let typed = written(caller.contact.phone.as_str(), call);
        let started = Instant::now();
        let found = service.find_customers(helpdesk, &typed, first).await?;
        let search = TicketSearch { text: Some(typed.clone()), ..TicketSearch::default() };
        let tickets = service.find_tickets(helpdesk, &search, first).await?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let names: Vec<String> = found.items.iter().map(|c| c.contact.name.to_string()).collect();
        let latest = tickets.items.first();
        println!(
            "phone {typed:<18} -> {:<28} {} ticket(s), latest {} ({ms:.1} ms)",
            names.join(", "),
            tickets.items.len(),
            latest.map_or("none".to_owned(), |t| format!("{} {}", t.number(), t.status().as_str())),
        );
        last_ticket = latest.cloned().or(last_ticket);
    }
    if let Some(caller) = customers.first() {
        let partial = partial_name(caller.contact.name.as_str());
        let started = Instant::now();
        let found = service.find_customers(helpdesk, &partial, Window::new(0, 100)?).await?;
        let more = if found.next_offset.is_some() { "+" } else { "" };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        println!("name  {partial:<18} -> {}{more} customers ({ms:.1} ms)", found.items.len());
    }
    if let Some(ticket) = last_ticket {
        let number = ticket.number().to_string().to_lowercase().replace('-', " ");
        let started = Instant::now();
        let search = TicketSearch { text: Some(number.clone()), ..TicketSearch::default() };
        let found = service.find_tickets(helpdesk, &search, first).await?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let ids: Vec<String> = found.items.iter().map(|t| t.id.to_string()).collect();
        println!("ticket {number:<17} -> {} ({ms:.1} ms)", ids.join(", "));
    }
    Ok(())
}
