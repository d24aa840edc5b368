//! The hostile driver's notification operations: the consumer with a notifier answering
//! what was drawn, templates of drawn text, delivery history and the deadline job.

use super::{Draw, Fixture};
use crate::*;
use std::sync::Arc;

/// A host's notifier answering what was drawn: sent, or a transient or permanent failure.
struct DrawnNotifier(Result<(), SendError>);

impl Notifier for DrawnNotifier {
    fn send(&self, _: Message) -> Result<(), SendError> {
        self.0.clone()
    }
}

fn notifier(d: &mut Draw) -> Arc<dyn Notifier> {
    let answer = match d.below(3) {
        0 => Ok(()),
        1 => Err(SendError::Transient { reason: d.text() }),
        _ => Err(SendError::Permanent { reason: d.text() }),
    };
    Arc::new(DrawnNotifier(answer))
}

fn notify_options(d: &mut Draw) -> NotifyOptions {
    let n = |d: &mut Draw, valid: u32| d.or(valid, |d| d.unsigned() as u32);
    NotifyOptions {
        batch: n(d, 500),
        lease_seconds: n(d, 300),
        first_retry_seconds: n(d, 30),
        longest_retry_seconds: n(d, 3600),
        attempts: n(d, 10),
    }
}

impl Fixture {
    /// Calls notification operation `name` with arguments drawn from `d`.
    pub(super) async fn notify_call(&self, name: &str, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let s = &self.sysops;
        match name {
            "notify_round" => {
                let (actor, options) = (self.actor_or(d, system_actor()), notify_options(d));
                s.notify_round(actor, notifier(d), options).await.map(drop)
            }
            "run_notifications" => {
                // Stopped before it starts, or after its first idle pause: the driver never hangs.
                let (actor, options) = (self.actor_or(d, system_actor()), notify_options(d));
                let stop = StopSignal::new();
                let idle = d.or(1, |d| d.unsigned() as u32);
                if d.below(2) == 0 {
                    stop.stop();
                }
                let stopper = stop.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    stopper.stop();
                });
                s.run_notifications(actor, notifier(d), options, idle.min(50), stop).await.map(drop)
            }
            "ticket_deliveries" => {
                let (actor, ticket) = (self.actor_or(d, self.admin), self.id_or(d, self.tickets[0]));
                s.ticket_deliveries(actor, ticket, d.or(10, |d| d.unsigned() as u32)).await.map(drop)
            }
            "customer_deliveries" => {
                let (actor, customer) = (self.actor_or(d, self.admin), self.id_or(d, self.customer.id));
                s.customer_deliveries(actor, customer, d.or(10, |d| d.unsigned() as u32)).await.map(drop)
            }
            "save_template" => {
                let kinds = [MessageKind::OfferMade, MessageKind::PaymentFailed, MessageKind::DeadlineNearing];
                let template = Template {
                    kind: d.pick(&kinds),
                    channel: d.pick(&[MessageChannel::Email, MessageChannel::Sms]),
                    subject: d.or(None, |d| Some(d.text())),
                    body: d.text_or("Ticket {ticket_number}"),
                };
                s.save_template(self.actor_or(d, self.admin), template).await
            }
            "templates" => s.templates(self.actor_or(d, self.admin)).await.map(drop),
            "check_deadlines" => {
                let share = d.or(80, |d| d.byte());
                s.check_deadlines(self.actor_or(d, system_actor()), share).await.map(drop)
            }
            "template_facts" => {
                template_facts(d.pick(&[MessageKind::OfferMade, MessageKind::AccountSuspended]));
                Ok(())
            }
            "default_notify_options" => {
                default_notify_options();
                Ok(())
            }
            "stop" | "is_stopped" => {
                let stop = StopSignal::new();
                stop.stop();
                if stop.is_stopped() {
                    Ok(())
                } else {
                    Err(SysopsError::Internal { detail: "a stopped signal reads as running".into() })
                }
            }
            other => Err(SysopsError::Internal { detail: format!("the hostile driver does not cover {other}") }),
        }
    }
}
