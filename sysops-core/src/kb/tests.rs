//! Articles as experts see them: every edit is a revision that can be read back, a retired
//! article keeps its history, and only the role table's roles write, revise and retire.

use super::*;
use crate::actor::{Actor, DenyReason, Role};
use crate::aggregate::{applied, replay};
use crate::idgen::SequentialIds;
use crate::skill::ProductCategory;
use chrono::{TimeZone, Utc};
use std::collections::BTreeSet;

fn content(title: &str, body: &str) -> ArticleContent {
    ArticleContent::new(
        ArticleTitle::new(title).unwrap(),
        ArticleBody::new(body).unwrap(),
        BTreeSet::from([ProductCategory::Printer]),
        BTreeSet::from([Tag::new("paper-jam").unwrap()]),
    )
    .unwrap()
}

fn expert(n: u128) -> Actor {
    Actor { role: Role::Expert, id: Uuid::from_u128(n) }
}

fn reason(text: &str) -> Reason {
    Reason::new(text).unwrap()
}

/// An article written by expert 1, revised once by expert 2, with its whole history.
fn revised_twice() -> (Article, Vec<Envelope<ArticleEvent>>) {
    let ids = SequentialIds::new(7);
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let mut history =
        Article::write(content("Paper jam", "Open tray 2.\nPull the sheet."), &Ctx::new(expert(1), now, &ids)).unwrap();
    let article: Article = replay(&history).unwrap();
    let command = ArticleCommand::Revise {
        content: content("Paper jam", "Open tray 2.\nPull the sheet gently."),
        why: reason("tears otherwise"),
    };
    let later = Ctx::new(expert(2), now + chrono::Duration::hours(1), &ids);
    let events = article.decide(&command, &later).unwrap();
    history.extend(events.iter().cloned());
    (applied(&article, &events).unwrap(), history)
}

#[test]
fn every_edit_is_a_revision_that_reads_back_with_who_when_and_why() {
    let (article, history) = revised_twice();
    assert_eq!(article.revision(), 2);
    assert_eq!(article.author(), Some(UserId::from_uuid(Uuid::from_u128(1))));
    let first = Article::revision_of(&history, 1).unwrap();
    assert_eq!(first.content.body.as_str(), "Open tray 2.\nPull the sheet.");
    assert_eq!(first.info.why, None);
    let second = Article::revision_of(&history, 2).unwrap();
    assert_eq!(second.info.by, UserId::from_uuid(Uuid::from_u128(2)));
    assert_eq!(second.info.why, Some(reason("tears otherwise")));
    assert_eq!(
        Article::revision_of(&history, 3),
        Err(KbError::UnknownRevision { article: article.id, revision: 3, latest: 2 })
    );
}

#[test]
fn a_retired_article_keeps_its_history_and_takes_no_more_revisions() {
    let (article, history) = revised_twice();
    let ids = SequentialIds::new(100);
    let admin = Actor { role: Role::Administrator, id: Uuid::from_u128(9) };
    let ctx = Ctx::new(admin, Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap(), &ids);
    let events = article.decide(&ArticleCommand::Retire { why: reason("printer model withdrawn") }, &ctx).unwrap();
    let retired = applied(&article, &events).unwrap();
    assert!(retired.retired.is_some());
    assert_eq!(retired.history.len(), 2);
    assert!(Article::revision_of(&history, 1).is_ok());
    let again = ArticleCommand::Revise { content: content("Paper jam", "new"), why: reason("x") };
    assert_eq!(retired.decide(&again, &ctx), Err(Refused::Rule(KbError::Retired { article: article.id })));
}

#[test]
fn customers_cannot_write_and_experts_retire_only_their_own_articles() {
    let ids = SequentialIds::new(1);
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let customer = Actor { role: Role::Customer, id: Uuid::from_u128(5) };
    let refused = Article::write(content("t", "b"), &Ctx::new(customer, now, &ids)).unwrap_err();
    assert!(matches!(refused, Refused::Forbidden(f) if f.reason == DenyReason::RoleNotAllowed));

    let (article, _) = revised_twice();
    let retire = ArticleCommand::Retire { why: reason("outdated") };
    let other = article.decide(&retire, &Ctx::new(expert(2), now, &ids)).unwrap_err();
    assert!(matches!(other, Refused::Forbidden(f) if f.reason == DenyReason::NotYours));
    assert!(article.decide(&retire, &Ctx::new(expert(1), now, &ids)).is_ok());
}

#[test]
fn a_revision_that_changes_nothing_is_refused() {
    let (article, _) = revised_twice();
    let ids = SequentialIds::new(50);
    let same = ArticleCommand::Revise { content: article.content.clone(), why: reason("no-op") };
    let ctx = Ctx::new(expert(1), Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap(), &ids);
    assert!(matches!(article.decide(&same, &ctx), Err(Refused::Rule(KbError::Rule(RuleError::NoChange { .. })))));
}

#[test]
fn a_body_no_engine_could_index_is_refused_when_written() {
    let many: String = (0..10_001).map(|n| format!("w{n} ")).collect();
    let body = ArticleBody::new(many).unwrap();
    let refused = ArticleContent::new(
        ArticleTitle::new("t").unwrap(),
        body,
        BTreeSet::from([ProductCategory::Printer]),
        BTreeSet::new(),
    );
    assert!(matches!(refused, Err(crate::error::ValidationError::OutOfRange { field: "body_distinct_words", .. })));
    let long_words: String = (0..3_000).map(|n| format!("{n:0>40} ")).collect();
    let body = ArticleBody::new(long_words).unwrap();
    let refused = ArticleContent::new(
        ArticleTitle::new("t").unwrap(),
        body,
        BTreeSet::from([ProductCategory::Printer]),
        BTreeSet::new(),
    );
    assert!(matches!(
        refused,
        Err(crate::error::ValidationError::OutOfRange { field: "body_distinct_word_bytes", .. })
    ));
}
