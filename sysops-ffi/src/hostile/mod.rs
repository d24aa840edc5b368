//! The hostile-input driver (feature `hostile`): every exported operation of this facade —
//! the code Kotlin, Swift and Python call — driven with arguments drawn from bytes: NaN and
//! ±infinity, zero, negative and extreme numbers, empty, huge and control-character
//! strings, malformed and foreign ids, the earliest and latest times, durations of every
//! size. The proptest suite (`tests/hostile.rs`) and the cargo-fuzz target `ffi_surface`
//! both feed it, so one list of operations serves both.
//!
//! After every call [`Fixture::check`] asserts what must hold whatever the arguments: the
//! call returned a success or a typed error other than `Internal` (a caught panic, or a
//! record that does not read back, is `Internal`), and every stored record still decodes and
//! replays exactly (an integrity walk over the whole store).
#![allow(clippy::indexing_slicing, missing_docs)] // pools are non-empty constants

mod draw;
mod fixture;
mod notify;
mod report;
mod survey;
mod sync;

pub use draw::Draw;
pub use fixture::Fixture;

/// Every exported operation: the `Sysops` constructors and methods and the free functions.
/// The suite fails when the facade exports one that is not listed here.
pub const OPERATIONS: &[&str] = &[
    "open",
    "open_simulated",
    "advance_clock",
    "backend",
    "now",
    "shutdown",
    "create_staff_account",
    "change_staff_role",
    "deactivate_staff_account",
    "reactivate_staff_account",
    "staff_account",
    "staff_account_history",
    "define_plan",
    "retire_plan",
    "plan",
    "register_customer",
    "update_customer_contact",
    "move_customer",
    "change_customer_plan",
    "customer",
    "register_expert",
    "set_expert_skills",
    "set_expert_service_area",
    "set_expert_hours",
    "add_expert_time_off",
    "set_expert_capacity",
    "set_expert_active",
    "expert",
    "find_experts",
    "submit_ticket",
    "assign_ticket",
    "accept_ticket",
    "reject_ticket",
    "start_work",
    "complete_ticket",
    "cancel_ticket",
    "close_ticket",
    "reopen_ticket",
    "wait_for_customer",
    "reply_to_ticket",
    "ticket",
    "ticket_history",
    "tickets",
    "count_tickets",
    "run_assignment",
    "expire_overdue_offers",
    "tickets_waiting_too_long",
    "quarantined_records",
    "poll_outbox",
    "ack_outbox",
    "system_actor",
    "default_cost_weights",
    "product_category_named",
    "product_category_name",
    "open_with",
    "new",
    "brand",
    "last4",
    "script",
    "charges",
    "refunds",
    "start_subscription",
    "replace_card",
    "cancel_subscription",
    "subscription",
    "invoices",
    "invoice",
    "run_billing",
    "retry_payment",
    "refund_payment",
    "void_invoice",
    "write_off_invoice",
    "rotate_card_keys",
    "key",
    "amount",
    "number",
    "expiry_year",
    "expiry_month",
    "card_brand",
    "card_last4",
    "write_article",
    "revise_article",
    "retire_article",
    "article",
    "article_revision",
    "compare_revisions",
    "search_articles",
    "import_articles",
    "find_customers",
    "find_tickets",
    "record_solution",
    "times_solved",
    "article_sync_request",
    "article_sync_answer",
    "apply_article_sync",
    "notify_round",
    "run_notifications",
    "ticket_deliveries",
    "customer_deliveries",
    "save_template",
    "templates",
    "check_deadlines",
    "template_facts",
    "default_notify_options",
    "stop",
    "is_stopped",
    "open_survey",
    "answer_survey",
    "project_reports",
    "rebuild_reports",
    "ticketing_report",
    "expert_report",
    "financial_report",
    "serve_sync",
    "request",
    "receive",
    "accept",
    "reject",
    "start",
    "complete",
    "link_articles",
    "queued",
    "refused",
    "dismiss",
];

/// The card key hostile offices seal cards with (a fixed test key).
pub fn test_card_keys() -> Vec<std::sync::Arc<crate::CardKey>> {
    crate::CardKey::new("hostile-test".to_owned(), vec![7; 32]).into_iter().collect()
}
