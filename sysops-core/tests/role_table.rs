//! Publishes who may do what: renders `roles.txt` — the table `authorization_matrix`
//! executes cell by cell — as `docs/roles.md`, and fails when the committed page is stale.
//!
//! Regenerate with `SYSOPS_BLESS=1 cargo test -p sysops-core --features testing --test role_table`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use sysops_core::Action;

/// The executed table (see `authorization_matrix.rs`).
const TABLE: &str = include_str!("roles.txt");

/// The command that rewrites `docs/roles.md`.
const BLESS: &str = "SYSOPS_BLESS=1 cargo test -p sysops-core --features testing --test role_table";

/// The table's columns: its abbreviation in `roles.txt`, the heading in the page.
const COLUMNS: [(&str, &str); 8] = [
    ("Adm", "Administrator"),
    ("Hd", "Helpdesk"),
    ("Mgr", "Manager"),
    ("Sys", "System"),
    ("CuO", "Customer (own)"),
    ("CuX", "Customer (other)"),
    ("ExA", "Expert (own)"),
    ("ExX", "Expert (other)"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Domain {
    StaffAccounts,
    Plans,
    Customers,
    Experts,
    Tickets,
    Assignment,
    Billing,
    KnowledgeBase,
    Notifications,
    Reports,
    Integrity,
}

/// The page's groups, in order.
const DOMAINS: [Domain; 11] = [
    Domain::StaffAccounts,
    Domain::Plans,
    Domain::Customers,
    Domain::Experts,
    Domain::Tickets,
    Domain::Assignment,
    Domain::Billing,
    Domain::KnowledgeBase,
    Domain::Notifications,
    Domain::Reports,
    Domain::Integrity,
];

impl Domain {
    fn title(self) -> &'static str {
        match self {
            Domain::StaffAccounts => "Staff accounts",
            Domain::Plans => "Plans",
            Domain::Customers => "Customers",
            Domain::Experts => "Experts",
            Domain::Tickets => "Tickets",
            Domain::Assignment => "Assignment",
            Domain::Billing => "Billing",
            Domain::KnowledgeBase => "Knowledge base",
            Domain::Notifications => "Notifications",
            Domain::Reports => "Reports",
            Domain::Integrity => "Integrity",
        }
    }
}

/// Each action's group and description, keyed by its name in `roles.txt`.
const DESCRIPTIONS: &[(&str, Domain, &str)] = {
    use Domain::*;
    &[
        ("CreateStaffAccount", StaffAccounts, "Create a staff account (administrator, helpdesk, manager or expert)"),
        ("ChangeStaffRole", StaffAccounts, "Change the role of a staff account"),
        ("DeactivateStaffAccount", StaffAccounts, "Deactivate a staff account so it can no longer act"),
        ("ReactivateStaffAccount", StaffAccounts, "Reactivate a deactivated staff account"),
        ("ViewStaffAccount", StaffAccounts, "View a staff account"),
        ("DefinePlan", Plans, "Define a support plan"),
        ("RetirePlan", Plans, "Retire a plan: existing customers keep it, new ones cannot choose it"),
        ("ViewPlan", Plans, "View a support plan"),
        ("RegisterCustomer", Customers, "Register a customer (a customer signs themself up)"),
        ("UpdateCustomerContact", Customers, "Update a customer's contact details"),
        ("MoveCustomer", Customers, "Change a customer's address"),
        ("ChangeCustomerPlan", Customers, "Move a customer to another support plan (their subscription follows)"),
        ("ViewCustomer", Customers, "View a customer's profile"),
        ("RegisterExpert", Experts, "Register the expert profile of an expert staff account"),
        ("UpdateExpertSkills", Experts, "Set an expert's skills"),
        ("UpdateExpertServiceArea", Experts, "Set an expert's base and service radius"),
        ("UpdateExpertSchedule", Experts, "Set an expert's weekly working hours"),
        ("AddExpertTimeOff", Experts, "Add time off to an expert's schedule"),
        ("SetExpertCapacity", Experts, "Set how many tickets an expert may hold at once"),
        ("SetExpertActive", Experts, "Take an expert out of, or back into, assignment"),
        ("ViewExpert", Experts, "View an expert's profile"),
        ("FindExperts", Experts, "Search experts"),
        ("SubmitTicket", Tickets, "Submit a ticket for a customer"),
        ("StartWork", Tickets, "Start work on an accepted ticket"),
        ("CompleteWork", Tickets, "Complete the work on a ticket in progress, with notes"),
        ("CancelTicket", Tickets, "Cancel a ticket before work starts"),
        ("CloseTicket", Tickets, "Close a completed ticket for good"),
        ("ReopenTicket", Tickets, "Reopen a completed ticket within the plan's window"),
        ("WaitForCustomer", Tickets, "Pause a ticket's deadlines while it waits on the customer"),
        ("ReplyToTicket", Tickets, "Answer for the customer a ticket waiting on them, resuming it"),
        ("ViewTicket", Tickets, "View a ticket"),
        ("ListOpenTickets", Tickets, "List tickets across customers and experts (e.g. all open tickets)"),
        ("ListCustomerTickets", Tickets, "List a customer's tickets"),
        ("ListExpertTickets", Tickets, "List an expert's current tickets"),
        ("AssignTicket", Assignment, "Offer an open ticket to an expert"),
        ("AcceptAssignment", Assignment, "Accept a ticket offered to the expert"),
        ("RejectAssignment", Assignment, "Decline a ticket offered to the expert, with a reason"),
        ("ExpireAssignment", Assignment, "Expire an offer not answered by its deadline"),
        ("StartSubscription", Billing, "Subscribe a customer to their plan with a card (the number goes to the vault)"),
        ("ReplaceCard", Billing, "Charge another card from now on"),
        ("CancelSubscription", Billing, "Cancel a subscription; the days used are still billed"),
        ("ViewBilling", Billing, "Read a subscription, invoices and statements (never a card number)"),
        ("RunBilling", Billing, "Run the monthly billing: invoices, charges, retries, suspensions"),
        ("RetryPayment", Billing, "Charge an unpaid invoice now, with a reason"),
        ("RefundPayment", Billing, "Refund part or all of a paid invoice, with a reason"),
        ("VoidInvoice", Billing, "Void an unpaid invoice, with a reason"),
        ("WriteOffInvoice", Billing, "Write off an unpaid invoice, with a reason"),
        ("RotateCardKeys", Billing, "Re-encrypt every stored card under the current key"),
        ("WriteArticle", KnowledgeBase, "Write a new knowledge-base article (its first revision)"),
        ("ReviseArticle", KnowledgeBase, "Write the next revision of an article, saying why"),
        ("RetireArticle", KnowledgeBase, "Take an article out of search; its revisions stay readable"),
        ("ReadArticles", KnowledgeBase, "Search articles, read any revision and compare two"),
        ("RecordSolution", KnowledgeBase, "Record which articles solved a completed ticket"),
        ("SearchCallers", Tickets, "Find customers and tickets by ticket number, name, email or phone"),
        ("SendNotifications", Notifications, "Run the notification consumer: derive, send and retry messages"),
        ("EditTemplates", Notifications, "Read and save the message templates"),
        ("ViewNotifications", Notifications, "Read the messages sent about a ticket or customer"),
        ("CheckDeadlines", Tickets, "Record tickets nearing or past their response and resolution deadlines"),
        ("AnswerSurvey", Notifications, "Answer the satisfaction survey of a completed ticket, from its link"),
        (
            "ProjectReports",
            Reports,
            "Run the report projector: fold events into the reports' read models, or rebuild them",
        ),
        ("ReadReports", Reports, "Read the ticketing, expert-performance and financial reports"),
        ("AuditRecords", Integrity, "List stored records that do not decode or replay (quarantined)"),
    ]
};

/// One row of `roles.txt`.
struct Row<'a> {
    action: &'a str,
    allowed: Vec<bool>,
}

/// Parses `roles.txt` strictly: the expected header, then rows of an action and 8 `Y`/`.` cells.
fn table() -> Vec<Row<'static>> {
    let mut lines = TABLE.lines().map(str::trim).filter(|l| !l.is_empty());
    let header: Vec<_> = lines.next().expect("roles.txt is empty").split_whitespace().collect();
    let expected: Vec<_> = std::iter::once("action").chain(COLUMNS.iter().map(|(abbr, _)| *abbr)).collect();
    assert_eq!(header, expected, "roles.txt: unexpected header");
    lines
        .map(|line| {
            let mut cells = line.split_whitespace();
            let action = cells.next().unwrap();
            let allowed: Vec<_> = cells
                .map(|c| match c {
                    "Y" => true,
                    "." => false,
                    other => panic!("roles.txt, {action}: cell {other:?} is neither `Y` nor `.`"),
                })
                .collect();
            assert_eq!(allowed.len(), COLUMNS.len(), "roles.txt, {action}: expected {} cells", COLUMNS.len());
            Row { action, allowed }
        })
        .collect()
}

fn description(action: &str) -> (Domain, &'static str) {
    DESCRIPTIONS
        .iter()
        .find(|(name, ..)| *name == action)
        .map(|(_, domain, text)| (*domain, *text))
        .unwrap_or_else(|| panic!("{action} has no description in role_table.rs"))
}

/// Pads `cells` to `widths` as one Markdown table line.
fn line(cells: &[String], widths: &[usize]) -> String {
    let padded: Vec<_> =
        cells.iter().zip(widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
    format!("| {} |\n", padded.join(" | "))
}

fn render() -> String {
    let rows = table();
    let mut out = String::new();
    out.push_str("# Who may do what\n\n");
    out.push_str(
        "<!-- Generated: do not edit. Regenerate with the command below. -->\n\n\
         This page is generated from [`sysops-core/tests/roles.txt`](../sysops-core/tests/roles.txt), the\n\
         authorization table the test suite executes cell by cell (`sysops-core/tests/authorization_matrix.rs`):\n\
         every ✓ is performed through the service and must succeed, every — must be refused with\n\
         `Forbidden` and change nothing. Each cell runs on fresh data in which the action would succeed\n\
         for an entitled actor. The test `sysops-core/tests/role_table.rs` fails when this page is stale;\n\
         after changing `roles.txt` or a description, regenerate it with\n\n",
    );
    out.push_str(&format!("```sh\n{BLESS}\n```\n\n"));
    out.push_str(
        "Legend:\n\n\
         - ✓ allowed, — refused (`Forbidden`).\n\
         - **Administrator**, **Helpdesk**, **Manager**: a staff account in that role, acting on data that is\n  \
         not its own (for `ViewStaffAccount`, an expert's account). **System**: the library's own jobs\n  \
         (assignment, expiry, auto-close) and the host's bootstrap.\n\
         - **Customer (own)**: a customer acting on their own data (their profile, their tickets).\n  \
         **Customer (other)**: a customer acting on another customer's data.\n\
         - **Expert (own)**: an expert acting on a ticket assigned to them, or on their own profile,\n  \
         account and ticket list. **Expert (other)**: an expert acting on another expert's.\n\
         - Where an action touches no one's data (`ViewPlan`, `FindExperts`, `RegisterCustomer` — a customer\n  \
         can only sign themself up), the own and other columns are the same kind of attempt.\n\n",
    );

    let mut header = vec!["Action".to_owned(), "Description".to_owned()];
    header.extend(COLUMNS.iter().map(|(_, heading)| (*heading).to_owned()));
    let mut body: Vec<Vec<String>> = Vec::new();
    for domain in DOMAINS {
        body.push(
            std::iter::once(format!("**{}**", domain.title()))
                .chain(std::iter::repeat_n(String::new(), header.len() - 1))
                .collect(),
        );
        for row in rows.iter().filter(|row| description(row.action).0 == domain) {
            let mut cells = vec![format!("`{}`", row.action), description(row.action).1.to_owned()];
            cells.extend(row.allowed.iter().map(|&yes| if yes { "✓" } else { "—" }.to_owned()));
            body.push(cells);
        }
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| body.iter().chain([&header]).map(|cells| cells[i].chars().count()).max().unwrap_or(0).max(3))
        .collect();
    out.push_str(&line(&header, &widths));
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| if i < 2 { "-".repeat(*w) } else { format!(":{}:", "-".repeat(w - 2)) })
        .collect();
    out.push_str(&line(&rule, &widths));
    for cells in &body {
        out.push_str(&line(cells, &widths));
    }
    out
}

#[test]
fn the_table_lists_exactly_the_actions_of_sysops_core_once_each() {
    let rows = table();
    let mut seen = BTreeSet::new();
    for row in &rows {
        assert!(seen.insert(row.action), "roles.txt names {} twice", row.action);
    }
    let all: BTreeSet<String> = Action::ALL.iter().map(|a| format!("{a:?}")).collect();
    let seen: BTreeSet<String> = seen.into_iter().map(str::to_owned).collect();
    let missing: Vec<_> = all.difference(&seen).collect();
    let unknown: Vec<_> = seen.difference(&all).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "roles.txt must list exactly sysops_core::Action::ALL: missing {missing:?}, not actions {unknown:?}"
    );
}

#[test]
fn every_action_has_one_description_and_every_description_an_action() {
    let actions: BTreeSet<&str> = table().iter().map(|row| row.action).collect();
    let mut described = BTreeSet::new();
    for (name, ..) in DESCRIPTIONS {
        assert!(described.insert(*name), "{name} is described twice in role_table.rs");
    }
    let undescribed: Vec<_> = actions.difference(&described).collect();
    let orphaned: Vec<_> = described.difference(&actions).collect();
    assert!(
        undescribed.is_empty() && orphaned.is_empty(),
        "role_table.rs DESCRIPTIONS must match roles.txt: actions without a description {undescribed:?}, \
         descriptions without an action {orphaned:?}"
    );
    for domain in DOMAINS {
        assert!(DESCRIPTIONS.iter().any(|(_, d, _)| *d == domain), "no action in group {}", domain.title());
    }
}

#[test]
fn docs_roles_md_is_up_to_date() {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "docs", "roles.md"].iter().collect();
    let rendered = render();
    if std::env::var_os("SYSOPS_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == rendered, "docs/roles.md is stale: run `{BLESS}`");
}
