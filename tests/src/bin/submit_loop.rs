//! Crash-test child: submits tickets in a loop and prints each ticket's id as soon as the call returns.
//!
//! `submit-loop URL CUSTOMER_ID [PG_SCHEMA] [--callers N]`. With `--callers N`, N submitters run
//! at once, so on SQLite their commits are stored in groups. The parent kills it with SIGKILL at
//! a random moment; every id printed must then be in the store with its events and outbox rows.

use std::io::Write;
use std::sync::{Arc, Mutex};
use sysops_core::{Actor, CustomerId, Description, NewTicket, ProductCategory, SkillLevel};
use sysops_storage::{Options, Sysops};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    let callers = match args.iter().position(|a| a == "--callers") {
        Some(at) => {
            let n = args.get(at + 1).and_then(|n| n.parse::<usize>().ok());
            args.drain(at..(at + 2).min(args.len()));
            n
        }
        None => Some(1),
    };
    let (Some(url), Some(customer), Some(callers)) = (args.get(1), args.get(2).and_then(|c| c.parse().ok()), callers)
    else {
        eprintln!("usage: submit-loop URL CUSTOMER_ID [PG_SCHEMA] [--callers N]");
        return std::process::ExitCode::from(2);
    };
    let options = Options { pg_schema: args.get(3).cloned(), ..Options::default() };
    let sysops = match Sysops::open_with(url, options).await {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("open: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let customer = CustomerId::from_uuid(customer);
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let submitters: Vec<_> =
        (0..callers.max(1)).map(|caller| tokio::spawn(submit(sysops.clone(), customer, caller, out.clone()))).collect();
    for submitter in submitters {
        if !matches!(submitter.await, Ok(true)) {
            return std::process::ExitCode::FAILURE;
        }
    }
    std::process::ExitCode::SUCCESS
}

/// Submits until stdout closes (true) or a submission fails (false).
async fn submit(sysops: Arc<Sysops>, customer: CustomerId, caller: usize, out: Arc<Mutex<std::io::Stdout>>) -> bool {
    for n in 0u64.. {
        let request = NewTicket {
            category: ProductCategory::Television,
            description: Description::new(format!("crash test ticket {caller}.{n}")).unwrap_or_else(|_| unreachable!()),
            required_level: SkillLevel::BASIC,
        };
        match sysops.submit_ticket(Actor::customer(customer), customer, request).await {
            Ok(ticket) => {
                // The id is printed only after the submission returned: it is acknowledged.
                let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
                if writeln!(out, "{}", ticket.id).and_then(|()| out.flush()).is_err() {
                    return true;
                }
            }
            Err(e) => {
                eprintln!("submit: {e}");
                return false;
            }
        }
    }
    true
}
