//! The demo's notifications: the day's messages handed to a notifier that writes each to a
//! file (as a provider would send it), and what was sent, by kind.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use sysops_core::notify::{Message, Notifier, SendError};
use sysops_core::{Actor, NotifyOptions};
use sysops_storage::Sysops;

/// Writes every message it is handed to a file, one block per message, and never sends a key
/// twice (a real provider's idempotency).
pub struct FileNotifier {
    file: Mutex<std::fs::File>,
    sent: Mutex<BTreeMap<String, &'static str>>,
    /// The survey links' tokens, as the customers' mail clients would show them.
    links: Mutex<Vec<String>>,
}

impl FileNotifier {
    /// A notifier writing to `path` (created or truncated).
    pub fn create(path: &PathBuf) -> std::io::Result<Self> {
        let file = Mutex::new(std::fs::File::create(path)?);
        Ok(Self { file, sent: Mutex::new(BTreeMap::new()), links: Mutex::new(Vec::new()) })
    }

    /// How many messages were sent, by kind.
    pub fn by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for kind in self.sent.lock().unwrap_or_else(|p| p.into_inner()).values() {
            *counts.entry(*kind).or_default() += 1;
        }
        counts
    }
}

impl Notifier for FileNotifier {
    async fn send(&self, m: &Message) -> Result<(), SendError> {
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        if sent.contains_key(m.key.as_str()) {
            return Ok(());
        }
        let subject = m.subject.as_deref().map(|s| format!("Subject: {s}\n")).unwrap_or_default();
        let block = format!("--- {} {} to {}\n{subject}{}\n\n", m.kind.as_str(), m.channel.as_str(), m.to, m.body);
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(block.as_bytes()).map_err(|e| SendError::Transient(e.to_string()))?;
        sent.insert(m.key.as_str().to_owned(), m.kind.as_str());
        if let Some(token) = survey_token(&m.body) {
            self.links.lock().unwrap_or_else(|p| p.into_inner()).push(token);
        }
        Ok(())
    }
}

impl FileNotifier {
    /// The tokens of the survey links sent so far.
    pub fn survey_links(&self) -> Vec<String> {
        self.links.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The token of the survey link in a message's text, as a browser would take it.
fn survey_token(body: &str) -> Option<String> {
    let after = body.split("/survey/").nth(1)?;
    let token: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    (token.len() == sysops_core::survey::TOKEN_CHARS).then_some(token)
}

/// Runs the notification consumer until the outbox is drained: every message the day's
/// events call for goes to `notifier`.
pub async fn send_the_days_messages(sysops: &Sysops, notifier: &FileNotifier) -> Result<u64, sysops_core::Error> {
    let options = NotifyOptions { batch: 2_000, ..NotifyOptions::default() };
    let mut sent = 0;
    loop {
        let round = sysops.notify_round(Actor::system(), notifier, &options).await?;
        sent += round.sent;
        if round.idle() {
            return Ok(sent);
        }
    }
}
