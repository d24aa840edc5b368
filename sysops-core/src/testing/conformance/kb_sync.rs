//! The expert's offline copy: a phone on the backend under test syncs the articles of the
//! expert's skills from a server, searches them with the same call, follows revisions and
//! retirements, and neither duplicates nor loses anything when an answer is applied twice,
//! late or tampered with.

use super::world;
use crate::kb::sync::{SyncAnswer, SyncMessage};
use crate::kb::{ArticleBody, ArticleContent, ArticleSearch, ArticleTitle, SearchQuery};
use crate::testing::fixtures::{World, t0};
use crate::{Actor, Error, ManualClock, MemoryStore, ProductCategory, Reason, SequentialIds, Service, Store};
use std::collections::BTreeSet;
use std::sync::Arc;

fn content(title: &str, body: &str, category: ProductCategory) -> ArticleContent {
    let (title, body) = (ArticleTitle::new(title).expect("title"), ArticleBody::new(body).expect("body"));
    ArticleContent::new(title, body, BTreeSet::from([category]), BTreeSet::new()).expect("content")
}

async fn titles<S: Store>(phone: &Service<S>, expert: Actor, text: &str) -> Vec<String> {
    let search = ArticleSearch::new(SearchQuery::parse(text).expect("query"));
    let found = phone.search_articles(expert, search).await.expect("search on the phone");
    found.hits.into_iter().map(|h| h.title).collect()
}

/// One exchange: the phone's request, the server's answer (through bytes), the phone applying it.
async fn sync<S: Store>(server: &World<MemoryStore>, phone: &Service<S>, expert: Actor) -> (SyncAnswer, u64) {
    let request = phone.article_sync_request(expert).await.expect("request");
    let request = crate::kb::sync::SyncRequest::from_bytes(&request.to_bytes()).expect("request bytes");
    let answer = server.service.article_sync_answer(expert, &request).await.expect("answer");
    let answer = SyncAnswer::from_bytes(&answer.to_bytes()).expect("answer bytes");
    let report = phone.apply_article_sync(expert, &answer).await.expect("apply");
    assert!(!report.more);
    (answer, report.events_applied)
}

pub async fn an_experts_phone_keeps_an_offline_copy_of_the_articles_for_their_skills<S: Store>(store: S) {
    let server = world(MemoryStore::new()).await;
    let clock = Arc::new(ManualClock::new(t0()).expect("clock"));
    let phone = Service::new(store, clock, SequentialIds::new(77));
    let expert = server.expert(0);
    let write = |title: &str, body: &str, category| {
        let (service, admin) = (&server.service, server.admin);
        let article = content(title, body, category);
        async move { service.write_article(admin, article).await.expect("write").id }
    };
    let hdmi =
        write("No picture on HDMI", "Reseat the cable, then try another input.", ProductCategory::Television).await;
    write("Laptop will not boot", "Hold the power button for thirty seconds.", ProductCategory::Computer).await;
    write("Paper jam", "Open the tray and pull the sheet out.", ProductCategory::Printer).await;

    // Before the first sync the phone knows nobody: the expert cannot search it yet.
    let search = ArticleSearch::new(SearchQuery::parse("cable").expect("query"));
    assert!(matches!(phone.search_articles(expert, search).await, Err(Error::Forbidden(_))));
    let (first, applied) = sync(&server, &phone, expert).await;
    assert_eq!(first.articles.len(), 2, "television and computer, not printers");
    assert!(applied >= 3, "the account and two articles");
    assert_eq!(titles(&phone, expert, "cable").await, ["No picture on HDMI"]);
    assert_eq!(titles(&phone, expert, "paper").await, Vec::<String>::new(), "not the expert's skill");
    assert_eq!(
        phone.article(expert, hdmi).await.expect("read"),
        server.service.article(expert, hdmi).await.expect("read")
    );

    // A revision on the server replaces the phone's at the next sync; nothing else is sent.
    let why = Reason::new("the cable is rarely it").expect("why");
    let revised = content("No picture on HDMI", "Switch the input source first.", ProductCategory::Television);
    server.service.revise_article(server.admin, hdmi, revised, why).await.expect("revise");
    let (second, applied) = sync(&server, &phone, expert).await;
    assert_eq!((second.articles.len(), applied), (1, 1));
    assert_eq!(titles(&phone, expert, "input source").await, ["No picture on HDMI"]);
    assert_eq!(titles(&phone, expert, "reseat").await, Vec::<String>::new());
    let old = phone.article_revision(expert, hdmi, 1).await.expect("revision 1 stays readable offline");
    assert_eq!(old.content.body.as_str(), "Reseat the cable, then try another input.");

    // An answer applied again, or an old one applied late, changes nothing.
    for again in [&second, &first] {
        let report = phone.apply_article_sync(expert, again).await.expect("again");
        assert_eq!((report.articles_updated, report.events_applied), (0, 0));
    }
    assert_eq!(sync(&server, &phone, expert).await.1, 0, "up to date");

    // Retired on the server: gone from the phone's search at the next sync.
    server.service.retire_article(server.admin, hdmi, Reason::new("obsolete").expect("why")).await.expect("retire");
    sync(&server, &phone, expert).await;
    assert_eq!(titles(&phone, expert, "input").await, Vec::<String>::new());

    // A tampered answer is a typed error and changes nothing.
    let revised = content("Laptop will not boot", "Remove the battery.", ProductCategory::Computer);
    let laptop = first.articles.iter().find(|a| a.id != hdmi.as_uuid()).expect("laptop").id;
    let why = Reason::new("battery").expect("why");
    server.service.revise_article(server.admin, laptop.into(), revised, why).await.expect("revise");
    let request = phone.article_sync_request(expert).await.expect("request");
    let good = server.service.article_sync_answer(expert, &request).await.expect("answer");
    let mut wrong_stream = good.clone();
    wrong_stream.articles[0].events[0].aggregate_id = hdmi.as_uuid();
    let mut skipped = good.clone();
    skipped.articles[0].events[0].sequence = crate::Sequence(9);
    let mut bad_title = good.to_bytes();
    let at = bad_title.windows(13).position(|w| w == b"Laptop will n").expect("title in the bytes");
    bad_title[at..at + 6].copy_from_slice(b"\\u0000");
    for tampered in [wrong_stream, skipped] {
        assert!(matches!(phone.apply_article_sync(expert, &tampered).await, Err(Error::Invalid(_))));
    }
    match SyncAnswer::from_bytes(&bad_title) {
        Ok(answer) => assert!(matches!(phone.apply_article_sync(expert, &answer).await, Err(Error::Invalid(_)))),
        Err(e) => assert!(matches!(e, crate::ValidationError::Malformed { .. })),
    }
    assert!(SyncAnswer::from_bytes(b"{\"format\": 2}").is_err() && SyncAnswer::from_bytes(&[0xff; 8]).is_err());
    assert_eq!(titles(&phone, expert, "battery").await, Vec::<String>::new(), "nothing of it was applied");
    assert!(matches!(phone.apply_article_sync(server.expert(1), &good).await, Err(Error::Forbidden(_))));
    assert!(matches!(server.service.article_sync_answer(server.helpdesk, &request).await, Err(Error::Forbidden(_))));
    phone.apply_article_sync(expert, &good).await.expect("the genuine answer");
    assert_eq!(titles(&phone, expert, "battery").await, ["Laptop will not boot"]);
}
