//! The demo's Monday-morning spike: a morning's tickets arriving within a minute from many
//! callers at once (customers on the web, helpdesk agents on the phone), each retrying after
//! a short pause when sysops answers "busy". Latency is what each caller waited, retries included.

use crate::rng::Rng;
use crate::scenario::ticket_request;
use std::time::{Duration, Instant};
use sysops_core::{Actor, Customer, Error, StoreError, SupportPlan, TicketId};
use sysops_storage::Sysops;

/// What the spike did.
#[allow(missing_docs)] // `callers` says itself
pub struct Spike {
    /// Each ticket submitted, with when.
    pub tickets: Vec<(TicketId, chrono::DateTime<chrono::Utc>)>,
    pub callers: usize,
    /// From the first call to the last answer.
    pub elapsed: Duration,
    /// Each submission's wait in milliseconds, sorted.
    pub waits_ms: Vec<f64>,
    /// Calls answered "busy" and tried again.
    pub busy_retries: usize,
}

impl Spike {
    /// The nearest-rank percentile `p` (0–1) of the waits, in milliseconds.
    pub fn percentile(&self, p: f64) -> f64 {
        let rank = (self.waits_ms.len() as f64 * p).ceil() as usize;
        self.waits_ms.get(rank.saturating_sub(1)).copied().unwrap_or(0.0)
    }
}

/// Submits `tickets` tickets for random `customers` from `callers` callers at once (70% the
/// customer, 30% `helpdesk`); a busy answer is retried after 10 ms, any other error ends the spike.
pub async fn morning_spike(
    sysops: &Sysops,
    customers: &[(Customer, SupportPlan)],
    helpdesk: Actor,
    tickets: usize,
    callers: usize,
    rng: &mut Rng,
) -> Result<Spike, Error> {
    let work: Vec<_> = (0..tickets)
        .map(|_| {
            let (customer, plan) = rng.pick(customers);
            let by = if rng.chance(0.7) { Actor::customer(customer.id) } else { helpdesk };
            (by, customer.id, ticket_request(plan, rng))
        })
        .collect();
    let queue = std::sync::Mutex::new(work.into_iter());
    let next = || queue.lock().unwrap_or_else(|p| p.into_inner()).next();
    let caller = || async {
        let (mut done, mut waits, mut retries) = (Vec::new(), Vec::new(), 0);
        while let Some((by, customer, request)) = next() {
            let asked = Instant::now();
            let ticket = loop {
                match sysops.submit_ticket(by, customer, request.clone()).await {
                    Err(Error::Store(StoreError::Busy)) => {
                        retries += 1;
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    answer => break answer?,
                }
            };
            waits.push(asked.elapsed().as_secs_f64() * 1e3);
            done.push((ticket.id, ticket.submitted_at));
        }
        Ok::<_, Error>((done, waits, retries))
    };
    let started = Instant::now();
    let mut spike =
        Spike { tickets: Vec::new(), callers, elapsed: Duration::ZERO, waits_ms: Vec::new(), busy_retries: 0 };
    for outcome in crate::join_all((0..callers).map(|_| caller()).collect()).await {
        let (done, waits, retries) = outcome?;
        spike.tickets.extend(done);
        spike.waits_ms.extend(waits);
        spike.busy_retries += retries;
    }
    spike.elapsed = started.elapsed();
    spike.waits_ms.sort_by(f64::total_cmp);
    Ok(spike)
}
