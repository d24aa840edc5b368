//! Searching text a program printed for card data: any card number (a run of 13–19 digits,
//! possibly grouped by single spaces or dashes, that [`CardNumber::parse`] accepts: a known
//! brand at a length it issues, with a valid check digit) and any CVV printed with its label.
//! Findings name the brand and the last four digits, so the search never prints what it found.

use crate::billing::{CardBrand, CardNumber};

/// Card data found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leak {
    /// A card number, on `line` (counted from 1).
    CardNumber { line: usize, brand: CardBrand, last4: String },
    /// A CVV printed after its label (`cvv`, `CVV:`, `"cvv":"123"`…), on `line`.
    Cvv { line: usize },
}

/// Every card number and labelled CVV in `text`.
pub fn leaks_in(text: &str) -> Vec<Leak> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        for candidate in digit_runs(line) {
            if let Ok(card) = CardNumber::parse(&candidate) {
                found.push(Leak::CardNumber {
                    line: line_no,
                    brand: card.brand(),
                    last4: card.last4().as_str().to_owned(),
                });
            }
        }
        if labelled_cvv(line) {
            found.push(Leak::Cvv { line: line_no });
        }
    }
    found
}

/// The candidates of a line: runs of digit groups joined by single spaces or dashes, and
/// every stretch of whole consecutive groups in a run holding 13–19 digits (a number glued
/// to other digits by a space is found; a long run of digits alone is not cut into windows,
/// which would find check digits by chance in timestamps).
fn digit_runs(line: &str) -> Vec<String> {
    let bytes = line.as_bytes();
    let mut candidates = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let mut groups = vec![String::new()];
        while at < bytes.len() {
            let b = bytes[at];
            if b.is_ascii_digit() {
                if let Some(group) = groups.last_mut() {
                    group.push(char::from(b));
                }
            } else if matches!(b, b' ' | b'-') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
                groups.push(String::new());
            } else {
                break;
            }
            at += 1;
        }
        for first in 0..groups.len() {
            let mut joined = String::new();
            for group in &groups[first..] {
                joined.push_str(group);
                if joined.len() > 19 {
                    break;
                }
                if joined.len() >= 13 {
                    candidates.push(joined.clone());
                }
            }
        }
    }
    candidates
}

/// True when the line has `cvv` (any case) followed, after at most four characters of
/// punctuation or space, by three or four digits.
fn labelled_cvv(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.match_indices("cvv").any(|(at, _)| {
        let rest = &lower.as_bytes()[at + 3..];
        let gap = rest.iter().take(5).take_while(|b| b.is_ascii_punctuation() || **b == b' ').count();
        let digits = rest.iter().skip(gap).take_while(|b| b.is_ascii_digit()).count();
        gap <= 4 && (3..=4).contains(&digits)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<String> {
        leaks_in(text)
            .into_iter()
            .filter_map(|l| match l {
                Leak::CardNumber { last4, .. } => Some(last4),
                Leak::Cvv { .. } => None,
            })
            .collect()
    }

    #[test]
    fn card_numbers_are_found_plain_grouped_and_among_other_text() {
        assert_eq!(numbers("charged 4242424242424242 ok"), ["4242"]);
        assert_eq!(numbers("card=5555 5555 5555 4444,"), ["4444"]);
        assert_eq!(numbers("x4242-4242-4242-4242x"), ["4242"]);
        assert_eq!(numbers("amex 3782 822463 10005"), ["0005"]);
        assert_eq!(numbers("a\nb 4000000000000002"), ["0002"]);
        assert!(matches!(leaks_in("a\nb 4000000000000002")[0], Leak::CardNumber { line: 2, .. }));
    }

    #[test]
    fn what_only_looks_like_a_card_is_not_reported() {
        assert!(numbers("4242 4242 4242 4241").is_empty(), "a wrong check digit");
        assert!(numbers("4242 4242 4242 424").is_empty(), "too short");
        assert!(numbers("at 2026-12-04T13:34:47Z took 20261204133447 ns").is_empty(), "dates and timestamps");
        assert!(numbers("0195c4a1-7d2e-7c3b-9f00-123456789012 1,465 invoices/s").is_empty(), "ids and figures");
        assert!(numbers("4242  4242  4242  4242").is_empty(), "digits apart are not one number");
    }

    #[test]
    fn a_cvv_is_found_next_to_its_label() {
        for line in ["cvv 123", "CVV: 1234", r#"{"cvv":"123"}"#, "Cvv=999"] {
            assert_eq!(leaks_in(line), [Leak::Cvv { line: 1 }], "{line}");
        }
        for line in ["cvv", "cvv: 12", "the cvv is never stored: 123", "cvv 12345"] {
            assert!(leaks_in(line).is_empty(), "{line}");
        }
    }
}
