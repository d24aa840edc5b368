//! The hostile driver's phone operations: a replica of the fixture's expert, synced once, then
//! commands on any ticket with any text, answers and requests of any bytes; after each call one
//! more sync carries what was queued to the server, whose verdicts must be typed too.

use super::{Draw, Fixture};
use crate::*;
use std::sync::Arc;

/// The phone operations this file drives (the server's endpoint and the replica's methods).
pub(super) const CALLS: [&str; 11] = [
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

impl Fixture {
    /// The expert's phone, in memory, holding the server's view of them.
    async fn phone(&self) -> Result<Arc<Replica>, SysopsError> {
        let phone = Replica::open("sqlite::memory:".to_owned(), self.expert.id, None, 1).await?;
        let request = phone.request(100).await?;
        phone.receive(self.sysops.serve_sync(self.expert, request).await?).await?;
        Ok(phone)
    }

    /// `open`, both of them: a replica with a drawn URL and expert (any typed outcome), then
    /// a handle on a drawn URL.
    pub(super) async fn open_drawn(&self, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let url = d.or("sqlite::memory:", |d| d.pick(&super::draw::URLS));
        let expert = self.id_or(d, self.expert.id);
        if let Err(e @ SysopsError::Internal { .. }) =
            Replica::open(url.to_owned(), expert, None, d.unsigned_or(1)).await
        {
            return Err(e);
        }
        Sysops::open(d.pick(&super::draw::URLS).to_owned()).await.map(drop)
    }

    /// Calls phone operation `name` with arguments drawn from `d`.
    pub(super) async fn sync_call(&self, name: &str, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let (s, expert) = (&self.sysops, self.expert);
        let [_, offered, started] = [self.tickets[0], self.tickets[1], self.tickets[2]];
        let phone = self.phone().await?;
        let limit = |d: &mut Draw<'_>| d.or(100, |d| d.unsigned() as u32);
        let outcome = match name {
            "serve_sync" => {
                let actor = self.actor_or(d, expert);
                let request = phone.request(limit(d)).await?;
                s.serve_sync(actor, d.or(request, |d| d.text().into_bytes())).await.map(drop)
            }
            "request" => phone.request(limit(d)).await.map(drop),
            "receive" => {
                let answer = s.serve_sync(expert, phone.request(100).await?).await?;
                phone.receive(d.or(answer, |d| d.text().into_bytes())).await.map(drop)
            }
            "accept" => phone.accept(self.id_or(d, offered)).await.map(drop),
            "reject" => phone.reject(self.id_or(d, offered), d.text_or("too far today")).await.map(drop),
            "start" => phone.start(self.id_or(d, started)).await.map(drop),
            "complete" => phone.complete(self.id_or(d, started), d.text_or("replaced the cable")).await.map(drop),
            "link_articles" => {
                let articles =
                    d.or(vec![self.article], |d| (0..d.below(14)).map(|_| self.id_or(d, self.article)).collect());
                phone.link_articles(self.id_or(d, started), articles).await.map(drop)
            }
            "queued" => phone.queued().await.map(drop),
            "refused" => phone.refused().await.map(drop),
            "dismiss" => phone.dismiss(self.id_or(d, offered)).await,
            other => Err(SysopsError::Internal { detail: format!("the hostile driver does not cover {other}") }),
        };
        let pushed = s.serve_sync(expert, phone.request(100).await?).await?;
        phone.receive(pushed).await?;
        outcome
    }
}
