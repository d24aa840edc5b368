//! The ticket number: the short code a customer reads out to helpdesk ("HX4TZ-9K2M7"),
//! derived from the ticket's id.
//!
//! A ticket id is a 36-character UUID nobody can read over the phone. The number is ten
//! symbols of Crockford's base 32 (no `I`, `L`, `O` or `U`, so nothing reads as another
//! symbol), shaped so it cannot be mistaken for anything else helpdesk types: it starts with
//! a letter (never a phone number, which is digits) and ends with a check digit (never a
//! name), and its check digit catches most mistyped symbols.
//!
//! The number is a hash of the id, fixed forever (customers read numbers back years later):
//! 44.5 bits, so two tickets can share one (among a million tickets, the odds that any two
//! do are about 2%). A look-up by number therefore returns every ticket with it.
//! The check digit catches a single mistyped symbol unless its value moved by a multiple of
//! 10, and two swapped neighbours unless their values differ by a multiple of 5.

use crate::id::TicketId;
use std::fmt;

/// The 32 symbols, by value.
const SYMBOLS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The symbols a number starts with: the letters.
const LETTERS: usize = 22;
/// Symbols after the first and before the check digit.
const MIDDLE: usize = 8;
/// Symbols in a number.
pub(crate) const LEN: usize = 1 + MIDDLE + 1;

/// A ticket's number (see the module documentation). Written `HX4TZ-9K2M7`; read back
/// ignoring case, spaces and dashes, with `I` and `L` taken as `1` and `O` as `0`.
///
/// ```
/// use sysops_core::{TicketId, TicketNumber};
/// let id: TicketId = "0193f1a2-7c3e-7b4d-9a1f-2c3d4e5f6a7b".parse().unwrap();
/// let number = TicketNumber::of(id);
/// let written = number.to_string();
/// assert_eq!(written.len(), 11);
/// assert_eq!(TicketNumber::parse(&written.to_lowercase().replace('-', " ")), Some(number));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketNumber(u64);

impl TicketNumber {
    /// Every number is below this (`22 × 32⁸`).
    pub const LIMIT: u64 = (LETTERS as u64) << (5 * MIDDLE);

    /// The number of the ticket `id`.
    pub fn of(id: TicketId) -> Self {
        let (high, low) = id.as_uuid().as_u64_pair();
        let hash = mix(high ^ mix(low));
        let first = hash % LETTERS as u64;
        let middle = (hash / LETTERS as u64) & ((1 << (5 * MIDDLE)) - 1);
        Self((first << (5 * MIDDLE)) | middle)
    }

    /// The number as stored, below [`Self::LIMIT`].
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Reads what someone typed: `None` unless it is ten symbols (spaces and dashes aside)
    /// starting with a letter and ending with the right check digit.
    pub fn parse(text: &str) -> Option<Self> {
        let mut values = [0u8; LEN];
        let mut count = 0;
        for c in text.chars().filter(|c| !matches!(c, '-' | ' ')) {
            let slot = values.get_mut(count)?;
            *slot = symbol_value(c)?;
            count += 1;
        }
        let [first, middle @ .., check] = values;
        if count != LEN || first < 10 || check != check_digit(first, middle) {
            return None;
        }
        let middle = middle.iter().fold(0u64, |n, &v| (n << 5) | u64::from(v));
        Some(Self((u64::from(first - 10) << (5 * MIDDLE)) | middle))
    }

    /// The ten symbol values, the check digit last.
    fn values(self) -> [u8; LEN] {
        let mut middle = [0u8; MIDDLE];
        let mut rest = self.0;
        for slot in middle.iter_mut().rev() {
            *slot = (rest & 31) as u8;
            rest >>= 5;
        }
        let first = 10 + (rest % LETTERS as u64) as u8;
        let [a, b, c, d, e, f, g, h] = middle;
        [first, a, b, c, d, e, f, g, h, check_digit(first, middle)]
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, value) in self.values().into_iter().enumerate() {
            if at == 5 {
                f.write_str("-")?;
            }
            write!(f, "{}", symbol(value))?;
        }
        Ok(())
    }
}

/// The value of a typed symbol, forgiving case and the look-alikes Crockford's alphabet left out.
fn symbol_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        c => c,
    };
    SYMBOLS.iter().position(|&s| char::from(s) == c).and_then(|v| u8::try_from(v).ok())
}

/// The symbol of a value below 32.
fn symbol(value: u8) -> char {
    SYMBOLS.get(usize::from(value)).map_or('?', |&s| char::from(s))
}

/// The decimal check digit of the first nine symbol values, weighted by position with weights
/// prime to 10 that differ between neighbours.
fn check_digit(first: u8, middle: [u8; MIDDLE]) -> u8 {
    let values = std::iter::once(first).chain(middle);
    let sum: u32 = values.zip([1u32, 3, 7, 9].into_iter().cycle()).map(|(v, weight)| u32::from(v) * weight).sum();
    (sum % 10) as u8
}

/// SplitMix64's finalizer: every input bit moves every output bit. Fixed forever.
const fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idgen::{IdGen, SequentialIds};
    use proptest::prelude::*;

    #[test]
    fn a_number_is_fixed_forever() {
        // Numbers are printed and read back years later: this value must never change.
        let id: TicketId = "0193f1a2-7c3e-7b4d-9a1f-2c3d4e5f6a7b".parse().unwrap();
        assert_eq!(TicketNumber::of(id).to_string(), "WNGHE-8VPC3");
    }

    #[test]
    fn sequential_ids_get_different_numbers() {
        let ids = SequentialIds::new(3);
        let numbers: std::collections::BTreeSet<_> =
            (0..10_000).map(|_| TicketNumber::of(ids.next::<TicketId>())).collect();
        assert_eq!(numbers.len(), 10_000);
    }

    #[test]
    fn names_phones_and_near_misses_are_not_numbers() {
        for text in ["Price-Jones", "3125550100", "HX4TZ-9K2M", "HX4TZ-9K2M77", "", "-----"] {
            assert_eq!(TicketNumber::parse(text), None, "{text}");
        }
    }

    proptest! {
        #[test]
        fn every_number_reads_back_however_it_is_typed(raw in any::<u128>(), lower in any::<bool>()) {
            let number = TicketNumber::of(TicketId::from_uuid(uuid::Uuid::from_u128(raw)));
            prop_assert!(number.get() < TicketNumber::LIMIT);
            let written = number.to_string();
            prop_assert!(written.starts_with(|c: char| c.is_ascii_uppercase()));
            prop_assert!(written.ends_with(|c: char| c.is_ascii_digit()));
            let typed = if lower { written.to_lowercase().replace('-', "") } else { written.replace('0', "O") };
            prop_assert_eq!(TicketNumber::parse(&typed), Some(number));
        }

        #[test]
        fn a_mistyped_symbol_or_swapped_neighbours_are_caught(raw in any::<u128>(), at in 1usize..9, to in 0u8..32) {
            let number = TicketNumber::of(TicketId::from_uuid(uuid::Uuid::from_u128(raw)));
            let written: Vec<u8> = number.values().to_vec();
            let mut typo = written.clone();
            typo[at] = to;
            if (i32::from(to) - i32::from(written[at])) % 10 != 0 {
                let typed: String = typo.iter().map(|&v| symbol(v)).collect();
                prop_assert_eq!(TicketNumber::parse(&typed), None, "{}", typed);
            }
            let mut swapped = written.clone();
            swapped.swap(at, at + 1);
            if at + 1 < LEN - 1 && (i32::from(written[at]) - i32::from(written[at + 1])) % 5 != 0 {
                let typed: String = swapped.iter().map(|&v| symbol(v)).collect();
                prop_assert_eq!(TicketNumber::parse(&typed), None, "{}", typed);
            }
        }
    }
}
