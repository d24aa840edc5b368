//! The behaviour every [`Store`] must show, one suite per storage trait (one file each).
//! Each case takes a fresh, empty store.
//!
//! A backend runs the whole suite with one macro call in its tests:
//!
//! ```
//! use futures::executor::block_on;
//! use sysops_core::MemoryStore;
//!
//! sysops_core::store_conformance_tests!(block_on, async { MemoryStore::new() });
//! # fn main() {}
//! ```
//!
//! where `block_on` runs a future to completion on the backend's runtime and the
//! second argument makes a fresh, empty store (an `async` block, awaited per case).

mod assignment;
mod billing;
mod event_store;
mod expert;
mod helpdesk;
mod kb;
mod kb_sync;
mod notify;
mod outbox;
mod report;
mod survey;
mod sync;
mod ticket;

pub use assignment::*;
pub use billing::*;
pub use event_store::*;
pub use expert::*;
pub use helpdesk::*;
pub use kb::*;
pub use kb_sync::*;
pub use notify::*;
pub use outbox::*;
pub use report::*;
pub use survey::*;
pub use sync::*;
pub use ticket::*;

use crate::store::Change;
use crate::testing::fixtures::{World, tv_ticket};
use crate::{Sequence, Store, Ticket};

/// Runs every case, each on a fresh store from `fresh`.
pub async fn run_all<S, F, Fut>(fresh: F)
where
    S: Store,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = S>,
{
    a_new_stream_commits_and_loads_back(fresh().await).await;
    a_stale_version_is_a_conflict_and_writes_nothing(fresh().await).await;
    a_commit_of_several_streams_is_all_or_nothing(fresh().await).await;
    a_malformed_change_is_refused(fresh().await).await;
    unknown_streams_are_absent_not_errors(fresh().await).await;
    concurrent_writers_of_one_version_exactly_one_wins(fresh().await).await;
    the_whole_workflow_round_trips_and_replays(fresh().await).await;
    the_open_ticket_query_follows_every_transition(fresh().await).await;
    tickets_are_listed_by_customer_and_expert(fresh().await).await;
    listings_page_by_id_without_gaps_or_repeats(fresh().await).await;
    experts_are_found_by_skill_level_area_and_activity(fresh().await).await;
    random_workflows_keep_every_invariant(fresh().await).await;
    the_outbox_delivers_every_event_in_commit_order_until_acked(fresh().await).await;
    acks_never_move_back_or_past_the_end(fresh().await).await;
    the_assignment_job_offers_every_open_ticket_once_to_a_qualified_expert(fresh().await).await;
    a_declined_ticket_goes_to_someone_else_or_waits_with_the_reason(fresh().await).await;
    every_record_is_walked_once_by_kind_and_passes_the_audit(fresh().await).await;
    a_card_is_revealed_only_by_its_token(fresh().await).await;
    a_month_of_declines_retries_and_lost_answers_balances_the_books(fresh().await).await;
    a_gateway_answer_sysops_cannot_keep_is_asked_again_with_the_same_key(fresh().await).await;
    articles_are_found_by_words_phrases_and_prefixes_title_matches_first(fresh().await).await;
    searches_filter_by_category_and_tag_and_page_without_repeats(fresh().await).await;
    a_revision_replaces_what_is_found_and_a_retired_article_leaves_search(fresh().await).await;
    a_misspelt_word_is_corrected_when_nothing_matches_what_was_typed(fresh().await).await;
    any_text_a_user_can_type_finds_articles_or_is_a_typed_query_error(fresh().await).await;
    a_bulk_import_reports_its_progress_and_refuses_all_for_one_bad_article(fresh().await).await;
    a_finished_ticket_records_the_articles_that_solved_it_and_each_article_counts_them(fresh().await).await;
    an_experts_phone_keeps_an_offline_copy_of_the_articles_for_their_skills(fresh().await).await;
    a_caller_is_found_by_phone_in_any_formatting_by_email_and_by_name(fresh().await).await;
    tickets_are_found_by_number_and_by_caller_narrowed_by_status_and_time(fresh().await).await;
    helpdesk_results_page_without_repeats_and_only_staff_may_search(fresh().await).await;
    a_customer_is_found_by_their_new_details_only(fresh().await).await;
    anything_typed_into_the_helpdesk_box_finds_callers_or_is_a_typed_error(fresh().await).await;
    every_step_of_a_ticket_tells_the_right_person_once_on_their_channel(fresh().await).await;
    failures_are_retried_with_backoff_or_recorded_for_good(fresh().await).await;
    a_message_handed_over_but_not_recorded_goes_again_with_the_same_key(fresh().await).await;
    templates_are_data_checked_when_saved_and_used_once_saved(fresh().await).await;
    the_delivery_history_is_read_by_staff_and_the_customer_it_concerns(fresh().await).await;
    a_ticket_nearing_a_deadline_tells_the_escalation_contact_once_and_breaches_are_recorded(fresh().await).await;
    the_ticketing_report_equals_a_count_over_the_raw_events_and_survives_a_rebuild(fresh().await).await;
    a_fact_is_never_replaced_by_one_that_took_in_fewer_events(fresh().await).await;
}

/// Generates one `#[test]` per conformance case of every storage trait for a backend: the
/// suite of each part of [`Store`] in turn.
///
/// `$block_on` is a function running a future to completion; `$fresh` an
/// expression (evaluated once per case) giving a future of a fresh store.
///
/// An optional third argument, `skip_unless = EXPR`, skips every case (saying so
/// on stderr) when `EXPR` is false, e.g. when no database server is configured.
#[macro_export]
macro_rules! store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::event_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::outbox_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::ticket_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::expert_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::assignment_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::billing_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::kb_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::helpdesk_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::notify_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::survey_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::report_store_conformance_tests!($block_on, $fresh, skip_unless = $available);
        $crate::sync_conformance_tests!($block_on, $fresh, skip_unless = $available);
    };
}

/// The `#[test]` functions of a suite's cases (used by the suites' macros).
#[doc(hidden)]
#[macro_export]
macro_rules! conformance_cases {
    ($block_on:path, $fresh:expr, $available:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                if !$available {
                    eprintln!("skipped {}: backend not available", stringify!($case));
                    return;
                }
                $block_on(async { $crate::testing::conformance::$case($fresh.await).await });
            }
        )*
    };
}

async fn world<S: Store>(store: S) -> World<S> {
    World::new(store, 3, 2).await.expect("fixtures build")
}

async fn submit<S: Store>(w: &World<S>, customer: usize, text: &str) -> Ticket {
    w.service.submit_ticket(w.customer(customer), w.customers[customer].id, tv_ticket(text)).await.expect("submit")
}

fn ticket_change(w: &World<impl Store>, customer: usize) -> (Ticket, Change) {
    let ids = crate::SequentialIds::new(900 + customer as u64);
    let ctx = crate::Ctx::new(w.customer(customer), crate::testing::fixtures::t0(), &ids);
    let events = Ticket::submit(tv_ticket("direct write"), &w.customers[customer], &w.plan, &ctx).expect("decide");
    let ticket: Ticket = crate::replay(&events).expect("replay");
    let change = Change::of(Sequence::NONE, &ticket, &events).expect("encode");
    (ticket, change)
}
