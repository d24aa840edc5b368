//! Crash-test child: runs the notification consumer against a notifier that keeps what it
//! sent in a file, as an SMS or email provider keeps its messages.
//!
//! `notify-run URL SENT_FILE [PG_SCHEMA]`. It prints `started` before the consumer starts;
//! the parent kills it with SIGKILL at a random moment and starts it again. The notifier
//! honours idempotency keys across processes (a key already in the file is not sent again)
//! and counts every hand-over in `SENT_FILE.handed`. The consumer stops by itself once two
//! seconds pass without work (messages a killed run held come due after a one-second lease).

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use sysops_core::notify::{Message, Notifier, Retry, SendError};
use sysops_core::{Actor, NotifyOptions};
use sysops_storage::{Options, StopSignal, Sysops};

/// A provider whose sent messages survive the process: one line per message, `KEY TO`.
struct FileNotifier {
    sent_path: PathBuf,
    handed_path: PathBuf,
    sent: Mutex<HashSet<String>>,
}

impl FileNotifier {
    fn open(path: PathBuf) -> std::io::Result<Self> {
        let mut sent = HashSet::new();
        if let Ok(file) = std::fs::File::open(&path) {
            for line in std::io::BufReader::new(file).lines() {
                if let Some((key, _)) = line?.split_once(' ') {
                    sent.insert(key.to_owned());
                }
            }
        }
        let handed_path = path.with_extension("handed");
        Ok(Self { sent_path: path, handed_path, sent: Mutex::new(sent) })
    }
}

/// Appends one whole line in one write: a kill leaves it written or not at all.
fn append(path: &Path, line: &str) -> Result<(), SendError> {
    let mut file =
        OpenOptions::new().create(true).append(true).open(path).map_err(|e| SendError::Transient(e.to_string()))?;
    file.write_all(line.as_bytes()).map_err(|e| SendError::Transient(e.to_string()))
}

impl Notifier for FileNotifier {
    async fn send(&self, message: &Message) -> Result<(), SendError> {
        // A network round trip, so that kills land between handing over and recording.
        tokio::time::sleep(Duration::from_millis(15)).await;
        append(&self.handed_path, &format!("{}\n", message.key.as_str()))?;
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        if sent.contains(message.key.as_str()) {
            return Ok(());
        }
        append(&self.sent_path, &format!("{} {}\n", message.key.as_str(), message.to))?;
        sent.insert(message.key.as_str().to_owned());
        Ok(())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(file)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: notify-run URL SENT_FILE [PG_SCHEMA]");
        return std::process::ExitCode::from(2);
    };
    match run(url, PathBuf::from(file), args.get(3).cloned()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("notify-run: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(url: &str, file: PathBuf, pg_schema: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    let sysops = Sysops::open_with(url, Options { pg_schema, ..Options::default() }).await?;
    let notifier = FileNotifier::open(file)?;
    let retry = Retry::new(chrono::Duration::seconds(1), chrono::Duration::seconds(1), 100)?;
    let options = NotifyOptions::new(200, chrono::Duration::seconds(1), retry)?;
    let stop = StopSignal::new();
    println!("started");
    std::io::stdout().flush()?;
    let watch = stop.clone();
    let handed = notifier.handed_path.clone();
    tokio::spawn(async move {
        let (mut size, mut last) = (0, Instant::now());
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let now = std::fs::metadata(&handed).map(|m| m.len()).unwrap_or(0);
            if now != size {
                (size, last) = (now, Instant::now());
            } else if last.elapsed() > Duration::from_secs(2) {
                watch.stop();
                return;
            }
        }
    });
    let totals =
        sysops.run_notifications(Actor::system(), &notifier, &options, Duration::from_millis(50), &stop).await?;
    println!("done: {} rounds, {} sent", totals.rounds, totals.work.sent);
    Ok(())
}
