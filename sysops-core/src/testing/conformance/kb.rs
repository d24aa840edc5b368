//! The knowledge base's search: ranked full text with snippets, filters and pages, revisions
//! replacing what is found, retired articles leaving search, the typo fallback, and any text
//! a user can type answered without an engine error.

use super::world;
use crate::kb::{ArticleBody, ArticleContent, ArticleSearch, ArticleTitle, SearchQuery, SearchResults, Tag};
use crate::testing::fixtures::World;
use crate::{Error, ProductCategory, Reason, Store};
use std::collections::BTreeSet;

/// Generates one `#[test]` per [`KbStore`](crate::store::KbStore) case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! kb_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::kb_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            articles_are_found_by_words_phrases_and_prefixes_title_matches_first,
            every_page_of_a_common_word_is_the_page_scoring_every_match_would_give,
            searches_filter_by_category_and_tag_and_page_without_repeats,
            a_revision_replaces_what_is_found_and_a_retired_article_leaves_search,
            a_misspelt_word_is_corrected_when_nothing_matches_what_was_typed,
            any_text_a_user_can_type_finds_articles_or_is_a_typed_query_error,
            a_bulk_import_reports_its_progress_and_refuses_all_for_one_bad_article,
            a_finished_ticket_records_the_articles_that_solved_it_and_each_article_counts_them,
            an_experts_phone_keeps_an_offline_copy_of_the_articles_for_their_skills,
        );
    };
}

fn content(title: &str, body: &str, category: ProductCategory, tags: &[&str]) -> ArticleContent {
    ArticleContent::new(
        ArticleTitle::new(title).expect("title"),
        ArticleBody::new(body).expect("body"),
        BTreeSet::from([category]),
        tags.iter().map(|t| Tag::new(*t).expect("tag")).collect(),
    )
    .expect("content")
}

async fn write<S: Store>(
    w: &World<S>,
    title: &str,
    body: &str,
    category: ProductCategory,
    tags: &[&str],
) -> crate::ArticleId {
    w.service.write_article(w.expert(0), content(title, body, category, tags)).await.expect("write").id
}

async fn search<S: Store>(w: &World<S>, text: &str) -> SearchResults {
    let search = ArticleSearch::new(SearchQuery::parse(text).expect("query"));
    w.service.search_articles(w.helpdesk, search).await.expect("search")
}

fn titles(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.title.as_str()).collect()
}

/// A small printer and networking knowledge base.
async fn library<S: Store>(w: &World<S>) {
    use ProductCategory::{Networking, Printer};
    write(w, "Paper jam in tray two", "Open tray two and pull the sheet out slowly.", Printer, &["paper"]).await;
    write(
        w,
        "Streaks on printed pages",
        "Clean the drum. A jam of dust on the drum leaves paper streaked.",
        Printer,
        &[],
    )
    .await;
    write(
        w,
        "Router drops connections",
        "Move the router away from the microwave; update its firmware.",
        Networking,
        &["wifi"],
    )
    .await;
    write(
        w,
        "Printer offline after update",
        "Reconnect the printer to the router and print a test page.",
        Printer,
        &["wifi"],
    )
    .await;
}

pub async fn articles_are_found_by_words_phrases_and_prefixes_title_matches_first<S: Store>(store: S) {
    let w = world(store).await;
    library(&w).await;

    let paper = search(&w, "paper").await;
    assert_eq!(titles(&paper), ["Paper jam in tray two", "Streaks on printed pages"], "the title match first");
    let snippet = &paper.hits.get(1).expect("second hit").snippet;
    assert!(snippet.iter().any(|p| p.highlighted && p.text.to_lowercase().contains("paper")), "{snippet:?}");

    assert_eq!(titles(&search(&w, "\"paper jam\"").await), ["Paper jam in tray two"]);
    assert_eq!(titles(&search(&w, "\"jam paper\"").await), Vec::<&str>::new(), "a phrase keeps its order");
    let routers = search(&w, "rout*").await;
    let mut routers = titles(&routers);
    routers.sort_unstable();
    assert_eq!(routers, ["Printer offline after update", "Router drops connections"]);
    assert_eq!(titles(&search(&w, "router -microwave").await), ["Printer offline after update"]);
    assert_eq!(titles(&search(&w, "drum streaked").await), ["Streaks on printed pages"], "every word must match");
}

/// A deterministic corpus of simple words (every engine and the ranking stem them alike), where
/// common words match most articles and scores tie.
fn generated_corpus() -> Vec<ArticleContent> {
    const WORDS: [&str; 8] = ["router", "modem", "cable", "signal", "reboot", "printer", "toner", "routing"];
    let mut seed = 7u64;
    let mut next = move |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    (0..150)
        .map(|i| {
            let title = format!("{} {} note {i}", WORDS[next(8)], WORDS[next(8)]);
            let body: Vec<&str> = (0..5 + next(30)).map(|_| WORDS[next(8)]).collect();
            let category = if i % 3 == 0 { ProductCategory::Printer } else { ProductCategory::Networking };
            content(&title, &body.join(" "), category, &[])
        })
        .collect()
}

/// The ranking computed from the articles' text alone, as the module documentation of
/// `kb::rank` defines it: every match scored, best first, equal scores in id order.
fn scored_by_hand(
    corpus: &[(crate::ArticleId, ArticleContent)],
    query: &SearchQuery,
    printers_only: bool,
) -> Vec<crate::ArticleId> {
    use crate::kb::rank::{PREFIX_WORDS, Weights, rarity, term_of};
    use crate::kb::{Term, words};
    let weights: Vec<Weights> = corpus.iter().map(|(_, c)| Weights::of(c.title.as_str(), c.body.as_str())).collect();
    let docs = |term: &str| weights.iter().filter(|w| w.get(term) > 0).count() as u64;
    let n = corpus.len() as u64;
    let mut groups: Vec<(f64, Vec<String>)> = Vec::new();
    for term in query.required() {
        match term {
            Term::Word(w) => groups.extend(term_of(w).map(|t| (rarity(n, docs(&t)), vec![t]))),
            Term::Phrase(ws) => {
                groups.extend(ws.iter().filter_map(|w| term_of(w)).map(|t| (rarity(n, docs(&t)), vec![t])))
            }
            Term::Prefix(p) => {
                let mut all: Vec<(u64, String)> = weights
                    .iter()
                    .flat_map(|w| w.iter().map(|(t, _)| t.to_owned()))
                    .filter(|t| t.starts_with(p.as_str()))
                    .map(|t| (docs(&t), t))
                    .collect();
                all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                all.dedup();
                all.truncate(PREFIX_WORDS);
                if let Some((most, _)) = all.first() {
                    groups.push((rarity(n, *most), all.iter().map(|(_, t)| t.clone()).collect()));
                }
            }
        }
    }
    let found = |t: &Term, text: &[String]| match t {
        Term::Word(w) => text.contains(w),
        Term::Prefix(p) => text.iter().any(|x| x.starts_with(p.as_str())),
        Term::Phrase(ws) => text.windows(ws.len()).any(|window| window == ws.as_slice()),
    };
    let mut scored: Vec<(f64, crate::ArticleId)> = corpus
        .iter()
        .zip(&weights)
        .filter(|((_, c), _)| !printers_only || c.categories.contains(&ProductCategory::Printer))
        .filter_map(|((id, c), w)| {
            let text: Vec<String> = words(c.title.as_str()).chain(words(c.body.as_str())).collect();
            let matched =
                query.required().iter().all(|t| found(t, &text)) && !query.excluded().iter().any(|t| found(t, &text));
            let score = groups
                .iter()
                .map(|(worth, terms)| worth * f64::from(terms.iter().map(|t| w.get(t)).max().unwrap_or(0)))
                .sum();
            matched.then_some((score, *id))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, id)| id).collect()
}

pub async fn every_page_of_a_common_word_is_the_page_scoring_every_match_would_give<S: Store>(store: S) {
    let w = world(store).await;
    let corpus = generated_corpus();
    let ids = w.service.import_articles(w.admin, corpus.clone(), |_| {}).await.expect("import");
    let corpus: Vec<(crate::ArticleId, ArticleContent)> = ids.into_iter().zip(corpus).collect();
    for (text, printers_only) in [
        ("router", false),
        ("router modem", false),
        ("\"router modem\"", false),
        ("rout*", false),
        ("cable -toner", false),
        ("signal", true),
    ] {
        let query = SearchQuery::parse(text).expect("query");
        let expected = scored_by_hand(&corpus, &query, printers_only);
        assert!(expected.len() > 10, "{text}: the corpus makes a deep result");
        let mut search = ArticleSearch::new(query.clone());
        search.limit = 7;
        if printers_only {
            search.categories = BTreeSet::from([ProductCategory::Printer]);
        }
        let mut paged = Vec::new();
        let mut offset = Some(0);
        while let Some(at) = offset {
            let page = w.service.search_articles(w.helpdesk, ArticleSearch { offset: at, ..search.clone() }).await;
            let page = page.expect("page");
            paged.extend(page.hits.iter().map(|h| h.article));
            offset = page.next_offset;
        }
        assert_eq!(paged, expected, "{text}: ranked from the whole match set");
        // As a query matching more articles than the engine is first asked for: through the lists.
        let mut listed = Vec::new();
        for at in (0..expected.len()).step_by(7) {
            let page = ArticleSearch { offset: at as u32, ..search.clone() };
            let hits = crate::kb::threshold::search_through_lists(w.service.store(), &page).await.expect("page");
            listed.extend(hits.iter().map(|h| h.article));
        }
        assert_eq!(listed, expected, "{text}: read from the lists");
    }

    // Matched past the lead: found, after every article ranked on the word.
    let past_lead = format!("{} router", "unrelated words ".repeat(300));
    let deep = write(&w, "Cabinet", &past_lead, ProductCategory::Networking, &[]).await;
    let mut search = ArticleSearch::new(SearchQuery::parse("router").expect("query"));
    search.limit = ArticleSearch::MAX_LIMIT;
    search.offset = 100;
    let last = w.service.search_articles(w.helpdesk, search).await.expect("last page");
    assert_eq!(last.hits.last().map(|h| h.article), Some(deep), "{:?}", last.hits.len());
}

pub async fn searches_filter_by_category_and_tag_and_page_without_repeats<S: Store>(store: S) {
    let w = world(store).await;
    library(&w).await;
    for n in 0..23 {
        let category = if n % 2 == 0 { ProductCategory::Television } else { ProductCategory::Audio };
        let tags: &[&str] = if n % 3 == 0 { &["reset", "remote"] } else { &["reset"] };
        write(&w, &format!("Factory reset {n}"), "Hold the button for ten seconds to reset.", category, tags).await;
    }
    let find = |categories: &[ProductCategory], tags: &[&str], offset, limit| {
        let mut search = ArticleSearch::new(SearchQuery::parse("reset").expect("query"));
        search.categories = categories.iter().copied().collect();
        search.tags = tags.iter().map(|t| Tag::new(*t).expect("tag")).collect();
        search.offset = offset;
        search.limit = limit;
        w.service.search_articles(w.expert(1), search)
    };
    let tv = find(&[ProductCategory::Television], &[], 0, 100).await.expect("search");
    assert_eq!(tv.hits.len(), 12);
    let printers = find(&[ProductCategory::Printer], &[], 0, 100).await.expect("search");
    assert!(printers.hits.is_empty());
    let both = find(&[ProductCategory::Television, ProductCategory::Audio], &["reset", "remote"], 0, 100).await;
    assert_eq!(both.expect("search").hits.len(), 8, "every tag must be carried");

    let mut seen = BTreeSet::new();
    let mut offset = Some(0);
    let mut pages = Vec::new();
    while let Some(at) = offset {
        let page = find(&[], &[], at, 10).await.expect("page");
        pages.push(page.hits.len());
        seen.extend(page.hits.iter().map(|h| h.article));
        offset = page.next_offset;
    }
    assert_eq!(pages, [10, 10, 3]);
    assert_eq!(seen.len(), 23);

    let too_big = find(&[], &[], 0, ArticleSearch::MAX_LIMIT + 1).await;
    assert!(matches!(too_big, Err(Error::Invalid(_))), "{too_big:?}");
}

pub async fn a_revision_replaces_what_is_found_and_a_retired_article_leaves_search<S: Store>(store: S) {
    let w = world(store).await;
    let id = write(&w, "Speaker hums", "Check the ground loop isolator.", ProductCategory::Audio, &[]).await;
    let revised = content("Speaker hums", "Replace the shielded cable first.", ProductCategory::Audio, &[]);
    let why = Reason::new("isolators rarely help").expect("reason");
    w.service.revise_article(w.expert(1), id, revised, why).await.expect("revise");

    assert!(search(&w, "isolator").await.hits.is_empty(), "the old revision is no longer searched");
    assert!(search(&w, "\"ground loop\"").await.hits.is_empty(), "nor its phrases");
    assert_eq!(search(&w, "\"the shielded cable\"").await.hits.len(), 1);
    let found = search(&w, "shielded cable").await;
    assert_eq!(found.hits.iter().map(|h| (h.article, h.revision)).collect::<Vec<_>>(), [(id, 2)]);

    w.service.retire_article(w.admin, id, Reason::new("model withdrawn").expect("reason")).await.expect("retire");
    assert!(search(&w, "shielded").await.hits.is_empty(), "retired articles leave search");
    assert!(search(&w, "\"shielded cable\"").await.hits.is_empty());
    let first = w.service.article_revision(w.helpdesk, id, 1).await.expect("history stays");
    assert_eq!(first.content.body.as_str(), "Check the ground loop isolator.");
    let diff = w.service.compare_revisions(w.manager, id, 1, 2).await.expect("diff");
    assert_eq!(diff.len(), 2);
}

pub async fn a_misspelt_word_is_corrected_when_nothing_matches_what_was_typed<S: Store>(store: S) {
    let w = world(store).await;
    library(&w).await;
    let typo = search(&w, "pritner offline").await;
    assert_eq!(typo.corrected.as_ref().map(ToString::to_string).as_deref(), Some("printer offline"));
    assert_eq!(titles(&typo), ["Printer offline after update"]);

    let far = search(&w, "xylophone").await;
    assert!(far.hits.is_empty() && far.corrected.is_none(), "{far:?}");
    let known_words = search(&w, "microwave drum").await;
    assert!(known_words.hits.is_empty() && known_words.corrected.is_none(), "real words are not corrected");
}

pub async fn any_text_a_user_can_type_finds_articles_or_is_a_typed_query_error<S: Store>(store: S) {
    let w = world(store).await;
    library(&w).await;
    let ten_kb = "paper ".repeat(1_700);
    let long_word = "x".repeat(65);
    let hostile = [
        "\"",
        "\"\"",
        "(((",
        ")",
        "paper)",
        "*",
        "pa*",
        "p*",
        "-",
        "--paper",
        "paper -",
        "NOT paper",
        "paper OR",
        "paper AND NOT",
        "NEAR(paper jam)",
        "title:paper",
        "^paper",
        "paper^2",
        "{paper jam}",
        "'; DROP TABLE kb_articles; --",
        "a & !b | c:*",
        "paper:* & jam",
        "paper <-> jam",
        "🖨️ paper 🧻",
        "ｐａｐｅｒ",
        "İstanbul",
        "e\u{301}cran",
        "\\",
        "%_%",
        "how to -router",
        "the -a",
        "paper\u{0}jam",
        long_word.as_str(),
        ten_kb.as_str(),
    ];
    for text in hostile {
        // A refused query is a typed `QueryError`, which hosts see as invalid input `query`.
        if let Ok(query) = SearchQuery::parse(text) {
            let result = w.service.search_articles(w.helpdesk, ArticleSearch::new(query)).await;
            assert!(result.is_ok(), "{text:?}: {result:?}");
        }
    }
    assert!(!search(&w, "paper)").await.hits.is_empty());
    // PostgreSQL drops English stop words: what is left must not be "everything but routers".
    assert!(search(&w, "how to -router").await.hits.is_empty());
}

pub async fn a_bulk_import_reports_its_progress_and_refuses_all_for_one_bad_article<S: Store>(store: S) {
    let w = world(store).await;
    let many: Vec<ArticleContent> = (0..250)
        .map(|n| {
            content(
                &format!("Error code E{n}"),
                &format!("Power cycle the unit; code E{n} clears."),
                ProductCategory::Printer,
                &[],
            )
        })
        .collect();
    let mut bad = many.clone();
    if let Some(last) = bad.last_mut() {
        last.categories.clear();
    }
    let refused = w.service.import_articles(w.admin, bad, |_| panic!("nothing is committed")).await;
    assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    assert!(search(&w, "power").await.hits.is_empty(), "one bad article refuses the whole import");

    let mut progress = Vec::new();
    let ids = w.service.import_articles(w.admin, many, |p| progress.push((p.imported, p.total))).await.expect("import");
    assert_eq!(progress, [(100, 250), (200, 250), (250, 250)]);
    assert_eq!(ids.len(), 250);
    let hit = search(&w, "E249").await;
    assert_eq!(hit.hits.iter().map(|h| h.article).collect::<Vec<_>>(), [ids[249]]);
    let denied = w.service.import_articles(w.helpdesk, Vec::new(), |_| {}).await;
    assert!(matches!(denied, Err(Error::Forbidden(_))), "{denied:?}");
}

/// A ticket of customer `n` worked to completion by expert 0.
async fn completed<S: Store>(w: &World<S>, n: usize) -> crate::Ticket {
    use crate::TicketCommand::{Accept, Assign, Complete, Start};
    let ticket = super::submit(w, n, "no picture").await;
    let notes = crate::WorkNotes::new("reseated the cable").expect("notes");
    let steps = [
        (w.admin, Assign { expert: w.experts[0].id, rationale: None }),
        (w.expert(0), Accept),
        (w.expert(0), Start),
        (w.expert(0), Complete { notes }),
    ];
    for (actor, command) in steps {
        w.service.handle_ticket(actor, ticket.id, command).await.expect("workflow");
    }
    w.service.ticket(w.admin, ticket.id).await.expect("ticket")
}

pub async fn a_finished_ticket_records_the_articles_that_solved_it_and_each_article_counts_them<S: Store>(store: S) {
    use crate::ticket::TicketError;
    let w = world(store).await;
    library(&w).await;
    let id = |hits: SearchResults| hits.hits.first().expect("a hit").article;
    let (jam, streaks, router) =
        (id(search(&w, "\"paper jam\"").await), id(search(&w, "streaks").await), id(search(&w, "microwave").await));
    let first = completed(&w, 0).await;
    let second = completed(&w, 1).await;

    let solved = w.service.record_solution(w.expert(0), first.id, BTreeSet::from([jam, streaks])).await;
    assert_eq!(solved.expect("recorded").solved_by, BTreeSet::from([jam, streaks]));
    w.service.record_solution(w.helpdesk, second.id, BTreeSet::from([jam])).await.expect("recorded");
    assert_eq!(w.service.times_solved(w.expert(1), &[jam, streaks, router]).await.expect("counts"), [2, 1, 0]);
    let hits = search(&w, "paper").await;
    let counts: Vec<(&str, u64)> = hits.hits.iter().map(|h| (h.title.as_str(), h.solved_tickets)).collect();
    assert_eq!(counts, [("Paper jam in tray two", 2), ("Streaks on printed pages", 1)]);

    // A new record replaces the old one; an empty one withdraws it.
    w.service.record_solution(w.expert(0), first.id, BTreeSet::from([router])).await.expect("replaced");
    assert_eq!(w.service.times_solved(w.admin, &[jam, streaks, router]).await.expect("counts"), [1, 0, 1]);
    w.service.record_solution(w.admin, second.id, BTreeSet::new()).await.expect("withdrawn");
    assert_eq!(w.service.times_solved(w.admin, &[jam]).await.expect("counts"), [0]);

    let refused = |r: Result<crate::Ticket, Error>| r.expect_err("refused");
    let unknown = crate::ArticleId::from_uuid(uuid::Uuid::now_v7());
    let err = refused(w.service.record_solution(w.expert(0), first.id, BTreeSet::from([unknown])).await);
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let eleven: BTreeSet<_> = (0..11).map(|_| crate::ArticleId::from_uuid(uuid::Uuid::now_v7())).collect();
    let err = refused(w.service.record_solution(w.expert(0), first.id, eleven).await);
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let err = refused(w.service.record_solution(w.expert(0), first.id, BTreeSet::from([router])).await);
    assert!(matches!(err, Error::Ticket(TicketError::Unchanged { .. })), "{err:?}");
    let open = super::submit(&w, 2, "no sound").await;
    let err = refused(w.service.record_solution(w.helpdesk, open.id, BTreeSet::from([jam])).await);
    assert!(matches!(err, Error::Ticket(TicketError::InvalidTransition { .. })), "{err:?}");
    for actor in [w.expert(1), w.customer(0)] {
        let err = refused(w.service.record_solution(actor, first.id, BTreeSet::from([jam])).await);
        assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    }
    let history = w.service.ticket_history(w.admin, first.id).await.expect("history");
    let recorded = history.iter().filter(|e| matches!(e.payload, crate::TicketEvent::SolutionRecorded { .. }));
    assert_eq!(recorded.count(), 2, "every record stays in the history");
}
