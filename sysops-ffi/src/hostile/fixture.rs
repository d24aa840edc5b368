//! The office every hostile call runs against, the call table, and the checks after each call.

use super::draw::{Draw, URLS, always};
use crate::*;
use chrono::{TimeDelta, TimeZone, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;
use uuid::Uuid;

/// A small office on a fresh handle: an administrator, a helpdesk agent, a manager, a plan, a
/// customer, an expert on duty and tickets in several states, so calls reach deep paths.
pub struct Fixture {
    pub sysops: Arc<Sysops>,
    pub(super) admin: Actor,
    helpdesk: Actor,
    pub(super) manager: Actor,
    pub(super) customer: Actor,
    pub(super) expert: Actor,
    plan: Uuid,
    pub(super) tickets: Vec<Uuid>,
    /// An expert staff account without a profile yet, for `register_expert`.
    spare: Uuid,
    /// The simulated gateway billing calls charge through.
    gateway: Arc<SimulatedGateway>,
    /// A knowledge-base article the expert wrote, revised once.
    pub(super) article: Uuid,
}

/// A host's gateway answering whatever was drawn: ids and reasons of any text, or no answer.
/// (A panicking one is `host.rs`'s test: the fuzzer aborts on any panic, even a caught one.)
struct DrawnGateway {
    charge: Result<ChargeAnswer, GatewayError>,
    refund: Result<String, GatewayError>,
}

impl PaymentGateway for DrawnGateway {
    fn charge(&self, _: Arc<ChargeRequest>) -> Result<ChargeAnswer, GatewayError> {
        self.charge.clone()
    }

    fn refund(&self, _: RefundRequest) -> Result<String, GatewayError> {
        self.refund.clone()
    }
}

impl Fixture {
    /// The simulated gateway, or a host's gateway answering what `d` draws.
    fn gateway(&self, d: &mut Draw) -> Arc<dyn PaymentGateway> {
        let drawn = d.or(None, |d| {
            let answer = |d: &mut Draw| match d.below(4) {
                0 => Err(GatewayError::Timeout),
                1 => Err(GatewayError::Unavailable { detail: d.text() }),
                _ => Ok(d.text()),
            };
            let charge = match d.below(2) {
                0 => answer(d).map(|charge| ChargeAnswer::Charged { charge }),
                _ => answer(d).map(|reason| ChargeAnswer::Declined { reason }),
            };
            Some(DrawnGateway { charge, refund: answer(d) })
        });
        match drawn {
            Some(gateway) => Arc::new(gateway),
            None => self.gateway.clone(),
        }
    }

    /// Builds the office on `sysops`; `tag` keeps emails unique when several share a database.
    pub async fn new(sysops: Arc<Sysops>, tag: &str) -> Result<Self, SysopsError> {
        let staff = |name: &str, role| {
            let (sysops, email) = (sysops.clone(), format!("{name}.{tag}@sysops.example"));
            let name = name.to_owned();
            async move { sysops.create_staff_account(system_actor(), name, email, role).await }
        };
        let admin = Actor { role: Role::Administrator, id: staff("ada", StaffRole::Administrator).await?.id };
        let helpdesk = Actor { role: Role::Helpdesk, id: staff("hal", StaffRole::Helpdesk).await?.id };
        let manager = Actor { role: Role::Manager, id: staff("meg", StaffRole::Manager).await?.id };
        let expert_account = staff("eve", StaffRole::Expert).await?.id;
        let spare = staff("sam", StaffRole::Expert).await?.id;
        let terms = PlanTerms {
            name: "Basic".into(),
            monthly_fee: Money { amount: Decimal::new(999, 2), currency: Currency::Usd },
            categories: vec![ProductCategory::Television, ProductCategory::Computer],
            priority: Priority::High,
            targets: ServiceTargets {
                answer_within: TimeDelta::minutes(30),
                respond_within: TimeDelta::hours(4),
                resolve_within: TimeDelta::hours(48),
                reopen_within: TimeDelta::days(7),
            },
            hours: ServiceHours::AroundTheClock {},
            escalation: Some("escalations@sysops.example".into()),
        };
        let plan = sysops.define_plan(admin, terms).await?.id;
        let contact = Contact {
            name: "Carla".into(),
            email: format!("carla.{tag}@example.com"),
            phone: "+13125550100".into(),
            prefers: MessageChannel::Sms,
        };
        let address = Address {
            street: "1 Main St".into(),
            city: "Chicago".into(),
            region: "IL".into(),
            postal_code: "60601".into(),
            location: GeoPoint { lat: 41.88, lon: -87.63 },
            time_zone: "America/Chicago".into(),
        };
        let customer =
            Actor { role: Role::Customer, id: sysops.register_customer(helpdesk, contact, address, plan).await?.id };
        let profile = ExpertProfile {
            name: "Eve".into(),
            skills: vec![Skill { category: ProductCategory::Television, level: 4 }],
            base: GeoPoint { lat: 41.9, lon: -87.6 },
            radius_km: 80,
            hours: always(),
            capacity: 5,
            phone: Some("+13125550199".into()),
        };
        let expert = Actor { role: Role::Expert, id: sysops.register_expert(admin, expert_account, profile).await?.id };
        let mut tickets = Vec::new();
        for text in ["no picture", "no sound", "flickers"] {
            let request =
                NewTicket { category: ProductCategory::Television, description: text.into(), required_level: 2 };
            tickets.push(sysops.submit_ticket(customer, customer.id, request).await?.id);
        }
        // One offered, one accepted and started: the workflow commands have something to act on.
        sysops.assign_ticket(admin, tickets[1], expert.id).await?;
        sysops.assign_ticket(admin, tickets[2], expert.id).await?;
        sysops.accept_ticket(expert, tickets[2]).await?;
        sysops.start_work(expert, tickets[2]).await?;
        // The customer pays by card: the billing calls have a subscription to act on.
        let card = Card::new("4242424242424242".into(), 2031, 7, "Carla".into(), Some("123".into()))?;
        sysops.start_subscription(customer, customer.id, card).await?;
        let gateway = SimulatedGateway::new();
        let mut content = ArticleContent {
            title: "No picture".into(),
            body: "Check the input source.".into(),
            categories: vec![ProductCategory::Television],
            tags: vec!["hdmi".into()],
        };
        let article = sysops.write_article(expert, content.clone()).await?.id;
        content.body.push_str("\nThen the cable.");
        sysops.revise_article(expert, article, content, "cable first".into()).await?;
        Ok(Fixture { sysops, admin, helpdesk, manager, customer, expert, plan, tickets, spare, gateway, article })
    }

    fn id(&self, d: &mut Draw<'_>) -> Uuid {
        let t = &self.tickets;
        let pool = [
            Uuid::nil(),
            Uuid::max(),
            Uuid::from_u128(0x0195_0000_0000_7000_8000_0000_0000_0001),
            self.admin.id,
            self.helpdesk.id,
            self.manager.id,
            self.customer.id,
            self.expert.id,
            self.plan,
            t[0],
            t[1],
            t[2],
        ];
        d.pick(&pool)
    }

    /// `right` (the record the operation is about), or any id when this argument is hostile.
    pub(super) fn id_or(&self, d: &mut Draw<'_>, right: Uuid) -> Uuid {
        d.or(right, |d| self.id(d))
    }

    /// `right` (who may do the operation), or anyone, known or not, when this one is hostile.
    pub(super) fn actor_or(&self, d: &mut Draw<'_>, right: Actor) -> Actor {
        d.or(right, |d| {
            let known = [self.admin, self.helpdesk, self.manager, self.customer, self.expert, system_actor()];
            if d.flag() {
                d.pick(&known)
            } else {
                let roles =
                    [Role::Administrator, Role::Customer, Role::Helpdesk, Role::Expert, Role::Manager, Role::System];
                Actor { role: d.pick(&roles), id: self.id(d) }
            }
        })
    }

    /// A ticket filter whose fields are drawn: absent, the fixture's own ids, or hostile.
    fn ticket_filter(&self, d: &mut Draw<'_>) -> TicketFilter {
        TicketFilter {
            status: d.opt(|d| d.status()),
            customer: d.opt(|d| self.id_or(d, self.customer.id)),
            expert: d.opt(|d| self.id_or(d, self.expert.id)),
        }
    }

    fn after(&self, d: &mut Draw<'_>) -> Option<Uuid> {
        d.or(None, |d| Some(self.id(d)))
    }

    /// Calls operation `name` with arguments drawn from `d`. `Err` holds the typed error a
    /// host would receive.
    pub async fn call(&self, name: &str, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let s = &self.sysops;
        let (admin, helpdesk, manager, customer, expert) =
            (self.admin, self.helpdesk, self.manager, self.customer, self.expert);
        let [open, offered, started] = [self.tickets[0], self.tickets[1], self.tickets[2]];
        let roles = [StaffRole::Administrator, StaffRole::Helpdesk, StaffRole::Manager, StaffRole::Expert];
        let kinds =
            [RecordKind::Plan, RecordKind::Customer, RecordKind::Expert, RecordKind::StaffAccount, RecordKind::Ticket];
        match name {
            "open" => self.open_drawn(d).await,
            "open_simulated" => {
                let url = d.or("sqlite::memory:", |d| d.pick(&URLS));
                let start = d.time_or(Utc.with_ymd_and_hms(2026, 7, 1, 15, 0, 0).single().unwrap_or_default());
                let opened = Sysops::open_simulated(url.to_owned(), start, d.unsigned_or(1)).await?;
                opened.advance_clock(d.duration_or(TimeDelta::hours(1))).map(drop)
            }
            "advance_clock" => s.advance_clock(d.duration_or(TimeDelta::hours(1))).map(drop),
            "backend" => {
                s.backend();
                Ok(())
            }
            "now" => s.now().map(drop),
            "shutdown" => {
                // On a handle of its own: the fixture's must stay open for the next calls.
                let other = Sysops::open("sqlite::memory:".to_owned()).await?;
                other.shutdown().await?;
                other.shutdown().await?;
                match other.plan(admin, self.plan).await {
                    Err(SysopsError::Closed) => Ok(()),
                    _ => Err(SysopsError::Internal { detail: "a closed handle still answered".to_owned() }),
                }
            }
            "create_staff_account" => {
                let (actor, name, email) =
                    (self.actor_or(d, admin), d.text_or("Nia New"), d.text_or("nia@sysops.example"));
                s.create_staff_account(actor, name, email, d.pick(&roles)).await.map(drop)
            }
            "change_staff_role" => {
                let (actor, account) = (self.actor_or(d, admin), self.id_or(d, manager.id));
                s.change_staff_role(actor, account, d.pick(&roles)).await.map(drop)
            }
            "deactivate_staff_account" => {
                s.deactivate_staff_account(self.actor_or(d, admin), self.id_or(d, manager.id)).await.map(drop)
            }
            "reactivate_staff_account" => {
                s.reactivate_staff_account(self.actor_or(d, admin), self.id_or(d, manager.id)).await.map(drop)
            }
            "staff_account" => s.staff_account(self.actor_or(d, admin), self.id_or(d, helpdesk.id)).await.map(drop),
            "staff_account_history" => {
                s.staff_account_history(self.actor_or(d, admin), self.id_or(d, helpdesk.id)).await.map(drop)
            }
            "define_plan" => s.define_plan(self.actor_or(d, admin), d.terms()).await.map(drop),
            "retire_plan" => s.retire_plan(self.actor_or(d, admin), self.id_or(d, self.plan)).await.map(drop),
            "plan" => s.plan(self.actor_or(d, customer), self.id_or(d, self.plan)).await.map(drop),
            "register_customer" => {
                let (actor, contact, address) = (self.actor_or(d, helpdesk), d.contact(), d.address());
                s.register_customer(actor, contact, address, self.id_or(d, self.plan)).await.map(drop)
            }
            "update_customer_contact" => {
                let (actor, id) = (self.actor_or(d, helpdesk), self.id_or(d, customer.id));
                s.update_customer_contact(actor, id, d.contact()).await.map(drop)
            }
            "move_customer" => {
                let (actor, id) = (self.actor_or(d, helpdesk), self.id_or(d, customer.id));
                s.move_customer(actor, id, d.address()).await.map(drop)
            }
            "change_customer_plan" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, customer.id));
                s.change_customer_plan(actor, id, self.id_or(d, self.plan)).await.map(drop)
            }
            "customer" => s.customer(self.actor_or(d, helpdesk), self.id_or(d, customer.id)).await.map(drop),
            "register_expert" => {
                let (actor, account) = (self.actor_or(d, admin), self.id_or(d, self.spare));
                s.register_expert(actor, account, d.profile()).await.map(drop)
            }
            "set_expert_skills" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_skills(actor, id, d.skills()).await.map(drop)
            }
            "set_expert_service_area" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_service_area(actor, id, d.point(), d.int_or(120)).await.map(drop)
            }
            "set_expert_hours" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_hours(actor, id, d.hours()).await.map(drop)
            }
            "add_expert_time_off" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                let start = d.time_or(Utc.with_ymd_and_hms(2026, 7, 3, 0, 0, 0).single().unwrap_or_default());
                let until = d.time_or(Utc.with_ymd_and_hms(2026, 7, 5, 0, 0, 0).single().unwrap_or_default());
                s.add_expert_time_off(actor, id, start, until).await.map(drop)
            }
            "set_expert_capacity" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_capacity(actor, id, d.int_or(7)).await.map(drop)
            }
            "set_expert_active" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_active(actor, id, d.flag()).await.map(drop)
            }
            "expert" => s.expert(self.actor_or(d, helpdesk), self.id_or(d, expert.id)).await.map(drop),
            "find_experts" => {
                let query = ExpertQuery {
                    category: d.opt(|d| d.category()),
                    min_level: d.opt(|d| d.level()),
                    serving: d.opt(|d| d.point()),
                    active_only: d.flag(),
                };
                let (actor, after) = (self.actor_or(d, helpdesk), self.after(d));
                s.find_experts(actor, query, after, d.int_or(50)).await.map(drop)
            }
            "submit_ticket" => {
                let request = NewTicket {
                    category: d.or(ProductCategory::Television, Draw::category),
                    description: d.text_or("No picture since the storm"),
                    required_level: d.level(),
                };
                let (actor, id) = (self.actor_or(d, customer), self.id_or(d, customer.id));
                s.submit_ticket(actor, id, request).await.map(drop)
            }
            "assign_ticket" => {
                let (actor, ticket) = (self.actor_or(d, admin), self.id_or(d, open));
                s.assign_ticket(actor, ticket, self.id_or(d, expert.id)).await.map(drop)
            }
            "accept_ticket" => s.accept_ticket(self.actor_or(d, expert), self.id_or(d, offered)).await.map(drop),
            "reject_ticket" => {
                let (actor, ticket) = (self.actor_or(d, expert), self.id_or(d, offered));
                s.reject_ticket(actor, ticket, d.text_or("No parts in the van")).await.map(drop)
            }
            "start_work" => s.start_work(self.actor_or(d, expert), self.id_or(d, offered)).await.map(drop),
            "complete_ticket" => {
                let (actor, ticket) = (self.actor_or(d, expert), self.id_or(d, started));
                s.complete_ticket(actor, ticket, d.text_or("Replaced the board")).await.map(drop)
            }
            "cancel_ticket" => {
                let (actor, ticket) = (self.actor_or(d, helpdesk), self.id_or(d, open));
                s.cancel_ticket(actor, ticket, d.text_or("Fixed itself")).await.map(drop)
            }
            "close_ticket" => s.close_ticket(self.actor_or(d, admin), self.id_or(d, started)).await.map(drop),
            "reopen_ticket" => {
                let (actor, ticket) = (self.actor_or(d, helpdesk), self.id_or(d, started));
                s.reopen_ticket(actor, ticket, d.text_or("Broke again")).await.map(drop)
            }
            "wait_for_customer" => {
                let (actor, ticket) = (self.actor_or(d, helpdesk), self.id_or(d, open));
                s.wait_for_customer(actor, ticket, d.text_or("The model number")).await.map(drop)
            }
            "reply_to_ticket" => s.reply_to_ticket(self.actor_or(d, customer), self.id_or(d, open)).await.map(drop),
            "ticket" => s.ticket(self.actor_or(d, customer), self.id_or(d, open)).await.map(drop),
            "ticket_history" => s.ticket_history(self.actor_or(d, admin), self.id_or(d, offered)).await.map(drop),
            "tickets" => {
                let filter = self.ticket_filter(d);
                let (actor, after) = (self.actor_or(d, admin), self.after(d));
                s.tickets(actor, filter, after, d.int_or(50)).await.map(drop)
            }
            "count_tickets" => {
                let filter = self.ticket_filter(d);
                s.count_tickets(self.actor_or(d, admin), filter).await.map(drop)
            }
            "run_assignment" => s.run_assignment(self.actor_or(d, system_actor()), d.weights()).await.map(drop),
            "expire_overdue_offers" => s.expire_overdue_offers(self.actor_or(d, system_actor())).await.map(drop),
            "tickets_waiting_too_long" => s.tickets_waiting_too_long(self.actor_or(d, manager)).await.map(drop),
            "quarantined_records" => {
                let (actor, kind, after) = (self.actor_or(d, admin), d.pick(&kinds), self.after(d));
                s.quarantined_records(actor, kind, after, d.int_or(100)).await.map(drop)
            }
            "poll_outbox" => s.poll_outbox(d.text_or("notifications"), d.int_or(10)).await.map(drop),
            "ack_outbox" => s.ack_outbox(d.text_or("notifications"), d.unsigned_or(1)).await,
            "system_actor" => {
                system_actor();
                Ok(())
            }
            "default_cost_weights" => {
                default_cost_weights();
                Ok(())
            }
            "product_category_named" => product_category_named(d.text_or("television")).map(drop),
            "product_category_name" => {
                product_category_name(d.category());
                Ok(())
            }
            "open_with" => {
                let url = d.or("sqlite::memory:", |d| d.pick(&URLS));
                let billing = d.or(None, |d| Some(d.pick(&URLS).to_owned()));
                let keys = match d.or(None, |d| Some(CardKey::new(d.text(), vec![d.byte(); d.below(40)]))) {
                    Some(key) => vec![key?],
                    None => super::test_card_keys(),
                };
                let (start, seed) = (d.or(None, |d| Some(d.time())), d.unsigned_or(1));
                let analytics = d.or(None, |d| Some(d.pick(&URLS).to_owned()));
                let max_wait_ms = d.or(None, |d| Some(d.unsigned_or(5_000)));
                Sysops::open_with(url.to_owned(), billing, keys, start, seed, analytics, max_wait_ms).await.map(drop)
            }
            // Every exported constructor of the other objects: a card, a card key, a gateway.
            "new" => {
                d.card()?;
                CardKey::new(d.text_or("k1"), d.or(vec![1; 32], |d| vec![d.byte(); d.below(64)]))?;
                SimulatedGateway::new();
                Ok(())
            }
            "brand" => d.card().map(|c| {
                c.brand();
            }),
            "last4" => d.card().map(|c| drop(c.last4())),
            "script" => {
                let steps = d.or(vec![Simulated::Decline], |d| vec![Simulated::LostAnswer; d.below(2000)]);
                self.gateway.script(d.card()?, steps, d.text_or("insufficient funds"))
            }
            "charges" => {
                self.gateway.charges();
                Ok(())
            }
            "refunds" => {
                self.gateway.refunds();
                Ok(())
            }
            "start_subscription" => {
                let (actor, id) = (self.actor_or(d, customer), self.id_or(d, customer.id));
                s.start_subscription(actor, id, d.card()?).await.map(drop)
            }
            "replace_card" => {
                let (actor, id) = (self.actor_or(d, customer), self.id_or(d, customer.id));
                s.replace_card(actor, id, d.card()?).await.map(drop)
            }
            "cancel_subscription" => {
                s.cancel_subscription(self.actor_or(d, customer), self.id_or(d, customer.id)).await.map(drop)
            }
            "subscription" => s.subscription(self.actor_or(d, customer), self.id_or(d, customer.id)).await.map(drop),
            "invoices" => {
                let (actor, id, after) = (self.actor_or(d, customer), self.id_or(d, customer.id), self.after(d));
                s.invoices(actor, id, after, d.int_or(100)).await.map(drop)
            }
            "invoice" => s.invoice(self.actor_or(d, customer), self.id(d)).await.map(drop),
            "run_billing" => {
                let period = d.or("2026-06".to_owned(), |d| d.text());
                s.run_billing(self.actor_or(d, admin), period, self.gateway(d)).await.map(drop)
            }
            "retry_payment" => {
                let (actor, id, why) = (self.actor_or(d, admin), self.id(d), d.text_or("card fixed"));
                s.retry_payment(actor, id, why, self.gateway(d)).await.map(drop)
            }
            "refund_payment" => {
                let (actor, id) = (self.actor_or(d, admin), self.id(d));
                let amount = Money { amount: d.decimal(), currency: Currency::Usd };
                s.refund_payment(actor, id, amount, d.text_or("goodwill"), self.gateway(d)).await.map(drop)
            }
            // What a host's gateway reads of a charge request.
            "key" | "amount" | "number" | "expiry_year" | "expiry_month" | "card_brand" | "card_last4" => {
                let card = d.card()?;
                let request = ChargeRequest {
                    inner: sysops_core::billing::ChargeRequest {
                        key: d.text_or("invoice-1-charge-1"),
                        amount: Money { amount: d.decimal(), currency: Currency::Usd }.into(),
                        card: card.inner.number.clone(),
                        expiry: card.inner.expiry,
                    },
                };
                let shown = format!("{request} {request:?}");
                if shown.contains(&request.number()) {
                    return Err(SysopsError::Internal { detail: "a charge request shows its card number".into() });
                }
                let _ = (request.key(), request.amount(), request.expiry_year(), request.expiry_month());
                let _ = (request.card_brand(), request.card_last4());
                Ok(())
            }
            "void_invoice" => {
                s.void_invoice(self.actor_or(d, admin), self.id(d), d.text_or("billed twice")).await.map(drop)
            }
            "write_off_invoice" => {
                s.write_off_invoice(self.actor_or(d, admin), self.id(d), d.text_or("bankrupt")).await.map(drop)
            }
            "rotate_card_keys" => s.rotate_card_keys(self.actor_or(d, admin)).await.map(drop),
            "write_article" => s.write_article(self.actor_or(d, expert), d.article()).await.map(drop),
            "revise_article" => {
                let (actor, id, content) = (self.actor_or(d, expert), self.id_or(d, self.article), d.article());
                s.revise_article(actor, id, content, d.text_or("clearer")).await.map(drop)
            }
            "retire_article" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, self.article));
                s.retire_article(actor, id, d.text_or("outdated")).await.map(drop)
            }
            "article" => s.article(self.actor_or(d, helpdesk), self.id_or(d, self.article)).await.map(drop),
            "article_revision" => {
                let (actor, id) = (self.actor_or(d, helpdesk), self.id_or(d, self.article));
                s.article_revision(actor, id, d.or(1, |d| d.unsigned() as u32)).await.map(drop)
            }
            "compare_revisions" => {
                let (actor, id) = (self.actor_or(d, manager), self.id_or(d, self.article));
                let (from, to) = (d.or(1, |d| d.unsigned() as u32), d.or(2, |d| d.unsigned() as u32));
                s.compare_revisions(actor, id, from, to).await.map(drop)
            }
            "import_articles" => {
                let one = d.article();
                let contents = d.or(vec![one], |d| (0..d.below(4)).map(|_| d.article()).collect());
                s.import_articles(self.actor_or(d, expert), contents, None).await.map(drop)
            }
            "search_articles" => {
                let (actor, query) = (self.actor_or(d, expert), d.text_or("input cable"));
                let categories = d.or(vec![], |d| (0..d.below(12)).map(|_| d.category()).collect());
                let tags = d.or(vec![], |d| (0..d.below(30)).map(|_| d.text()).collect());
                let (offset, limit) = (d.or(0, |d| d.unsigned() as u32), d.or(20, |d| d.unsigned() as u32));
                s.search_articles(actor, query, categories, tags, offset, limit).await.map(drop)
            }
            "article_sync_request" => s.article_sync_request(self.actor_or(d, expert)).await.map(drop),
            "article_sync_answer" | "apply_article_sync" => {
                let actor = self.actor_or(d, expert);
                let request = s.article_sync_request(expert).await?;
                let bytes = match name {
                    "article_sync_answer" => d.or(request, |d| d.text().into_bytes()),
                    _ => {
                        let answer = s.article_sync_answer(expert, request).await?;
                        d.or(answer, |d| d.text().into_bytes())
                    }
                };
                match name {
                    "article_sync_answer" => s.article_sync_answer(actor, bytes).await.map(drop),
                    _ => s.apply_article_sync(actor, bytes).await.map(drop),
                }
            }
            "record_solution" => {
                let (actor, ticket) = (self.actor_or(d, expert), self.id_or(d, self.tickets[2]));
                let articles = d.or(vec![self.article], |d| (0..d.below(14)).map(|_| self.id(d)).collect());
                s.record_solution(actor, ticket, articles).await.map(drop)
            }
            "times_solved" => {
                let actor = self.actor_or(d, helpdesk);
                let articles = d.or(vec![self.article], |d| (0..d.below(1_200)).map(|_| self.id(d)).collect());
                s.times_solved(actor, articles).await.map(drop)
            }
            "find_customers" => {
                let (actor, text) = (self.actor_or(d, helpdesk), d.text_or("(312) 555-0100"));
                let (offset, limit) = (d.or(0, |d| d.unsigned() as u32), d.or(20, |d| d.unsigned() as u32));
                s.find_customers(actor, text, offset, limit).await.map(drop)
            }
            "find_tickets" => {
                let (actor, text) = (self.actor_or(d, helpdesk), d.or(None, |d| Some(d.text())));
                let (status, from, to) =
                    (d.or(None, |d| Some(d.status())), d.or(None, |d| Some(d.time())), d.or(None, |d| Some(d.time())));
                let (offset, limit) = (d.or(0, |d| d.unsigned() as u32), d.or(20, |d| d.unsigned() as u32));
                s.find_tickets(actor, text, status, from, to, offset, limit).await.map(drop)
            }
            "notify_round"
            | "run_notifications"
            | "ticket_deliveries"
            | "customer_deliveries"
            | "save_template"
            | "templates"
            | "check_deadlines"
            | "template_facts"
            | "default_notify_options"
            | "stop"
            | "is_stopped" => self.notify_call(name, d).await,
            "open_survey" | "answer_survey" => self.survey_call(name, d).await,
            name if super::report::CALLS.contains(&name) => self.report_call(name, d).await,
            name if super::sync::CALLS.contains(&name) => self.sync_call(name, d).await,
            other => Err(SysopsError::Internal { detail: format!("the hostile driver does not cover {other}") }),
        }
    }

    /// What must hold after any call: it was a success or a typed error other than
    /// `Internal`, and every stored record of every kind still decodes and replays exactly.
    pub async fn check(&self, name: &str, outcome: Result<(), SysopsError>) -> Result<(), String> {
        match outcome {
            Err(e @ SysopsError::Internal { .. }) => return Err(format!("{name} failed internally: {e}")),
            // A healthy database never fails for an argument's sake: bad input must be
            // refused before it reaches the database (only opening one may fail there).
            Err(e @ SysopsError::Storage { .. }) if !name.starts_with("open") => {
                return Err(format!("{name} reached the database with a bad value: {e}"));
            }
            _ => {}
        }
        for kind in [
            RecordKind::Plan,
            RecordKind::Customer,
            RecordKind::Expert,
            RecordKind::StaffAccount,
            RecordKind::Ticket,
            RecordKind::Subscription,
            RecordKind::Invoice,
            RecordKind::Article,
        ] {
            let mut after = None;
            loop {
                let audit = self
                    .sysops
                    .quarantined_records(system_actor(), kind, after, 10_000)
                    .await
                    .map_err(|e| format!("after {name}: the integrity walk failed: {e}"))?;
                if let Some(bad) = audit.quarantined.first() {
                    return Err(format!("after {name}: {kind:?} {} does not read back: {}", bad.id, bad.problem));
                }
                match audit.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
        }
        Ok(())
    }
}
