//! Crash-test child: runs the monthly billing of March 2026 against a payment gateway that
//! keeps its charges in a file, as a real one keeps them on its side.
//!
//! `billing-run URL GATEWAY_FILE [PG_SCHEMA]`. It prints `started` before the run; the parent
//! kills it with SIGKILL at a random moment and runs it again. The gateway honours idempotency
//! keys across processes (a key already in the file is answered from it) and loses every
//! seventh answer after charging, so reruns must ask again with the same key.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use sysops_core::billing::{BillingPeriod, ChargeAnswer, ChargeRequest, GatewayError, GatewayFuture, PaymentGateway};
use sysops_core::{Actor, ManualClock, Money};
use sysops_storage::{CardKey, Options, StaticKeys, Sysops};

/// A gateway whose charges survive the process: one fsynced line per charge, `KEY CHARGE`.
struct FileGateway {
    path: PathBuf,
    charged: Mutex<HashMap<String, String>>,
}

impl FileGateway {
    fn open(path: PathBuf) -> std::io::Result<Self> {
        let mut charged = HashMap::new();
        if let Ok(file) = std::fs::File::open(&path) {
            for line in std::io::BufReader::new(file).lines() {
                let line = line?;
                if let Some((key, charge)) = line.split_once(' ') {
                    charged.insert(key.to_owned(), charge.to_owned());
                }
            }
        }
        Ok(Self { path, charged: Mutex::new(charged) })
    }

    fn charge_now(&self, key: &str) -> Result<ChargeAnswer, GatewayError> {
        let mut charged = self.charged.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(charge) = charged.get(key) {
            return Ok(ChargeAnswer::Charged(charge.clone()));
        }
        let charge = format!("ch_{}", charged.len() + 1);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        // One write of the whole line: a kill leaves it written or not at all.
        file.write_all(format!("{key} {charge}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        charged.insert(key.to_owned(), charge.clone());
        // Every seventh charge is made but its answer lost.
        if charged.len() % 7 == 0 { Err(GatewayError::Timeout) } else { Ok(ChargeAnswer::Charged(charge)) }
    }
}

impl PaymentGateway for FileGateway {
    fn charge(&self, request: ChargeRequest) -> GatewayFuture<'_, ChargeAnswer> {
        Box::pin(async move {
            // A network round trip, so that kills land between the steps of a charge.
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            self.charge_now(&request.key)
        })
    }

    fn refund(&self, _key: String, _charge: String, _amount: Money) -> GatewayFuture<'_, String> {
        Box::pin(async { Err(GatewayError::Unavailable("refunds are not part of this test".into())) })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: billing-run URL GATEWAY_FILE [PG_SCHEMA]");
        return std::process::ExitCode::from(2);
    };
    match run(url, PathBuf::from(file), args.get(3).cloned()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("billing-run: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(url: &str, file: PathBuf, pg_schema: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let after_march = "2026-04-01T02:00:00Z".parse()?;
    let options = Options {
        pg_schema,
        clock: Arc::new(ManualClock::new(after_march)?),
        card_keys: Some(Arc::new(StaticKeys::new(CardKey::new("crash-test", &[9; 32])?, []))),
        ..Options::default()
    };
    let sysops = Sysops::open_with(url, options).await?;
    let gateway = FileGateway::open(file)?;
    println!("started");
    std::io::stdout().flush()?;
    let report = sysops.run_billing(Actor::system(), BillingPeriod::parse("2026-03")?, &gateway).await?;
    println!("done: issued {}, paid {}, unanswered {}", report.issued, report.paid, report.unanswered.len());
    Ok(())
}
