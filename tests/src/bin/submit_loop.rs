//! Crash-test child: submits tickets in a loop and prints each ticket's id as soon as the call returns.
//!
//! `submit-loop URL CUSTOMER_ID [PG_SCHEMA]`. The parent kills it with SIGKILL at a random
//! moment; every id printed must then be in the store with its events and outbox rows.

use std::io::Write;
use sysops_core::{Actor, CustomerId, Description, NewTicket, ProductCategory, SkillLevel};
use sysops_storage::{Options, Sysops};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(customer)) = (args.get(1), args.get(2).and_then(|c| c.parse().ok())) else {
        eprintln!("usage: submit-loop URL CUSTOMER_ID [PG_SCHEMA]");
        return std::process::ExitCode::from(2);
    };
    let options = Options { pg_schema: args.get(3).cloned(), ..Options::default() };
    let sysops = match Sysops::open_with(url, options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("open: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let customer = CustomerId::from_uuid(customer);
    let mut out = std::io::stdout().lock();
    for n in 0u64.. {
        let request = NewTicket {
            category: ProductCategory::Television,
            description: Description::new(format!("crash test ticket {n}")).unwrap_or_else(|_| unreachable!()),
            required_level: SkillLevel::BASIC,
        };
        match sysops.submit_ticket(Actor::customer(customer), customer, request).await {
            Ok(ticket) => {
                // The id is printed only after the submission returned: it is acknowledged.
                if writeln!(out, "{}", ticket.id).and_then(|()| out.flush()).is_err() {
                    break;
                }
            }
            Err(e) => {
                eprintln!("submit: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
