//! The demo's end of day: a manager reads the three reports, printed as aligned tables and
//! written as CSV next to the database.

use std::path::{Path, PathBuf};
use sysops_core::report::{ReportRange, Table};
use sysops_core::{Actor, Email, PersonName, StaffRole};
use sysops_storage::Sysops;

type BoxError = Box<dyn std::error::Error>;

/// Rows printed per report; the CSV files hold them all.
const SHOWN: usize = 12;

/// Folds the day's events into the read models, then prints the ticketing, expert and
/// financial reports (a few columns each) and writes each whole as CSV into `dir`.
pub async fn end_of_day(sysops: &Sysops, admin: Actor, dir: &Path) -> Result<Vec<PathBuf>, BoxError> {
    let name = PersonName::new("Meg Manager")?;
    let account =
        sysops.create_staff_account(admin, name, Email::new("meg@sysops.example")?, StaffRole::Manager).await?;
    let manager = Actor::staff(sysops_core::Role::Manager, account.id);
    let mut events = 0;
    loop {
        let round = sysops.project_reports(Actor::system(), 5_000).await?;
        events += round.events;
        if round.idle() {
            break;
        }
    }
    let all = ReportRange::all_time();
    let (tickets, experts, money) = (
        sysops.ticketing_report(manager, all).await?,
        sysops.expert_report(manager, all).await?,
        sysops.financial_report(manager, all).await?,
    );
    println!("\n=== Reports for managers ({events} events folded into the read models) ===");
    let ticketing = [
        "region",
        "plan_name",
        "category",
        "submitted",
        "open",
        "completed",
        "reopened",
        "waiting_too_long",
        "open_age_p50_s",
    ];
    print_table("Ticketing, by region, plan, category and priority", &tickets.rows, &ticketing);
    let expert = [
        "name",
        "offers",
        "accepted",
        "rejected",
        "expired",
        "completed",
        "accept_p50_s",
        "mean_satisfaction",
        "utilisation",
    ];
    print_table("Expert performance", &experts.rows, &expert);
    let financial =
        ["period", "plan_name", "invoices", "invoiced", "collected", "refunded", "outstanding", "failed_payments"];
    print_table("Financial, by month and plan", &money.rows, &financial);
    let mut written = Vec::new();
    for (name, csv) in [("ticketing", tickets.to_csv()), ("experts", experts.to_csv()), ("financial", money.to_csv())] {
        let path = dir.join(format!("sysops-demo-report-{name}.csv"));
        std::fs::write(&path, csv)?;
        written.push(path);
    }
    Ok(written)
}

/// Prints `columns` of `rows` under `title`, each column as wide as its widest cell, numbers
/// to the right; the first [`SHOWN`] rows, and how many more there are.
fn print_table<T: Table>(title: &str, rows: &[T], columns: &[&str]) {
    let picked: Vec<usize> = columns.iter().filter_map(|c| T::COLUMNS.iter().position(|n| n == c)).collect();
    let mut lines: Vec<Vec<String>> = vec![picked.iter().map(|&i| T::COLUMNS[i].to_owned()).collect()];
    for row in rows.iter().take(SHOWN) {
        let cells = row.cells();
        lines.push(picked.iter().map(|&i| cells.get(i).map(|c| shorten(c)).unwrap_or_default()).collect());
    }
    let widths: Vec<usize> =
        (0..picked.len()).map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
    println!("\n{title} ({} rows)", rows.len());
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| if cell.parse::<f64>().is_ok() { format!("{cell:>w$}") } else { format!("{cell:<w$}") })
            .collect();
        println!("  {}", cells.join("  "));
    }
    if rows.len() > SHOWN {
        println!("  ... {} more in the CSV", rows.len() - SHOWN);
    }
}

/// A ratio to two decimals; other cells as they are.
fn shorten(cell: &str) -> String {
    match cell.parse::<f64>() {
        Ok(x) if cell.contains('.') && cell.len() > 6 => format!("{x:.2}"),
        _ => cell.to_owned(),
    }
}
