//! Whatever a user types in a search box: the query parser answers (a query or a typed error),
//! a parsed query reads back as itself, and its renderings hold nothing but quoted words and the
//! engines' own operators. The same bytes, cut in two, are diffed as two revisions. The same
//! text typed in the helpdesk box is understood or refused with a typed error, and a ticket
//! number it holds reads back as itself. Written as an article, the text's ranking weights are
//! in range and read back from their stored form, and every word typed ranks or is left out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sysops_core::TicketNumber;
use sysops_core::helpdesk::{LookupKey, name_words};
use sysops_core::kb::rank::{Weights, term_of};
use sysops_core::kb::{DiffOp, SearchQuery, deletion_keys, edit_distance, line_diff, words};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(query) = SearchQuery::parse(&text) {
        assert_eq!(SearchQuery::parse(&query.to_string()).as_ref(), Ok(&query), "{text:?}");
        let fts5 = query.to_fts5();
        for quoted in fts5.split('"').skip(1).step_by(2) {
            assert!(quoted.chars().all(|c| c.is_alphanumeric() || c == ' '), "{fts5:?}");
        }
        let tsquery = query.to_tsquery();
        for quoted in tsquery.split('\'').skip(1).step_by(2) {
            assert!(quoted.chars().all(char::is_alphanumeric), "{tsquery:?}");
        }
        for word in query.correctable_words() {
            assert!(deletion_keys(word).contains(word));
            assert_eq!(edit_distance(word, word), 0);
        }
    }
    match LookupKey::parse(&text) {
        Ok(LookupKey::TicketNumber(number)) => {
            assert_eq!(TicketNumber::parse(&number.to_string()), Some(number));
        }
        Ok(LookupKey::Phone(phone)) => {
            assert!((7..=15).contains(&phone.digits.len()) && phone.digits.chars().all(|c| c.is_ascii_digit()));
        }
        Ok(LookupKey::Name(words)) => {
            assert!(!words.is_empty() && words.len() <= 8);
            for word in &words {
                assert_eq!(name_words(word), [word.clone()], "a folded word folds to itself");
            }
        }
        Ok(_) | Err(_) => {}
    }
    let weights = Weights::of(&text, &text);
    let stored = weights.encode();
    assert_eq!(Weights::decode(&stored), weights);
    for (term, impact) in weights.iter() {
        assert!((1..=2_200).contains(&impact) && !term.is_empty());
        assert_eq!(Weights::stored_impact(&stored, term), impact);
    }
    for word in words(&text) {
        if let Some(term) = term_of(&word) {
            assert!(!term.contains([' ', ':']), "{term:?}");
        }
    }
    let (old, new) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i));
    let diff = line_diff(old, new);
    let side = |keep| diff.iter().filter(move |l| l.op == DiffOp::Same || l.op == keep).map(|l| l.text.as_str());
    assert!(side(DiffOp::Removed).eq(old.lines()));
    assert!(side(DiffOp::Added).eq(new.lines()));
});
