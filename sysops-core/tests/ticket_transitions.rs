//! Every transition of the ticket workflow, allowed or not, with the exact outcome.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chrono::Duration;
use futures::executor::block_on;
use sysops_core::testing::fixtures::{World, tv_ticket};
use sysops_core::testing::model::{CommandKind, next_status};
use sysops_core::{
    Actor, Aggregate, Clock, DenyReason, Error, Forbidden, MemoryStore, Outcome, ProductCategory, Reason, Role, Ticket,
    TicketCommand, TicketError, TicketStatus, WorkNotes,
};

type W = World<MemoryStore>;

fn world() -> W {
    block_on(World::new(MemoryStore::new(), 2, 3)).expect("world")
}

fn run(w: &W, actor: Actor, t: &Ticket, cmd: TicketCommand) -> Result<Ticket, Error> {
    block_on(w.service.handle_ticket(actor, t.id, cmd))
}

/// A ticket of customer 0 brought into `status` along the happy path (expert 0 works it).
fn ticket_in(w: &W, status: TicketStatus) -> Ticket {
    let mut t =
        block_on(w.service.submit_ticket(w.customer(0), w.customers[0].id, tv_ticket("no picture"))).expect("submit");
    let path: &[(Actor, TicketCommand)] = &[
        (w.admin, TicketCommand::Assign { expert: w.experts[0].id, rationale: None }),
        (w.expert(0), TicketCommand::Accept),
        (w.expert(0), TicketCommand::Start),
        (w.expert(0), TicketCommand::Complete { notes: WorkNotes::new("fixed").unwrap() }),
        (w.customer(0), TicketCommand::Close),
    ];
    if status == TicketStatus::Cancelled {
        return run(w, w.customer(0), &t, TicketCommand::Cancel { reason: Reason::new("solved").unwrap() })
            .expect("cancel");
    }
    if status == TicketStatus::WaitingForCustomer {
        let accepted = ticket_in(w, TicketStatus::Accepted);
        let wait = TicketCommand::WaitForCustomer { reason: Reason::new("the model number").unwrap() };
        return run(w, w.expert(0), &accepted, wait).expect("wait");
    }
    for (actor, cmd) in path {
        if t.status() == status {
            break;
        }
        t = run(w, *actor, &t, cmd.clone()).expect("path");
    }
    assert_eq!(t.status(), status);
    t
}

/// The actor entitled to issue `kind` on customer 0's ticket worked by expert 0.
fn entitled(w: &W, kind: CommandKind) -> Actor {
    match kind {
        CommandKind::Assign | CommandKind::Expire => Actor::system(),
        CommandKind::Accept | CommandKind::Reject | CommandKind::Start | CommandKind::Complete => w.expert(0),
        CommandKind::Cancel | CommandKind::Close | CommandKind::Reopen | CommandKind::Reply => w.customer(0),
        CommandKind::WaitForCustomer => w.helpdesk,
    }
}

#[test]
fn every_status_and_command_pair_does_exactly_what_the_diagram_says() {
    let mut allowed = 0;
    for status in TicketStatus::ALL {
        for kind in CommandKind::ALL {
            let w = world();
            let t = ticket_in(&w, status);
            if kind == CommandKind::Expire {
                w.clock.advance(Duration::hours(1)).unwrap(); // past the answer deadline
            }
            // Assign to expert 1: expert 0 is current in most states, and never rejected.
            let cmd = kind.command(w.experts[1].id);
            let actor = entitled(&w, kind);
            let result = run(&w, actor, &t, cmd.clone());
            // The waiting ticket of `ticket_in` was accepted.
            match next_status(status, kind, TicketStatus::Accepted) {
                Some(next) => {
                    allowed += 1;
                    let after = result.unwrap_or_else(|e| panic!("{kind:?} from {status:?} must succeed: {e}"));
                    assert_eq!(after.status(), next, "{kind:?} from {status:?}");
                }
                None => {
                    let err = result.expect_err("an illegal transition must fail");
                    let expert_kind = actor.role == Role::Expert;
                    let expert_is_current = t.current_expert() == Some(w.experts[0].id);
                    let expected = if expert_kind && !expert_is_current {
                        format!(
                            "{:?}",
                            Error::Forbidden(Forbidden {
                                actor,
                                action: cmd.action(),
                                reason: DenyReason::NotAssignedToYou
                            })
                        )
                    } else {
                        format!(
                            "{:?}",
                            Error::Ticket(TicketError::InvalidTransition {
                                ticket: t.id,
                                status,
                                action: cmd.action()
                            })
                        )
                    };
                    assert_eq!(format!("{err:?}"), expected, "{kind:?} from {status:?}");
                    let unchanged = block_on(w.service.ticket(w.admin, t.id)).expect("load");
                    assert_eq!(unchanged, t, "a refused command changes nothing");
                }
            }
        }
    }
    assert_eq!(allowed, 15, "the diagram allows fifteen (status, command) pairs");
}

#[test]
fn an_offer_cannot_be_accepted_after_its_deadline_and_then_expires() {
    let w = world();
    let t = ticket_in(&w, TicketStatus::Assigned);
    let respond_by = t.assignments[0].respond_by;
    assert_eq!(respond_by, w.clock.now() + Duration::minutes(30));
    let early = run(&w, Actor::system(), &t, TicketCommand::Expire).unwrap_err();
    assert!(matches!(early, Error::Ticket(TicketError::DeadlineNotReached { respond_by: r, .. }) if r == respond_by));
    w.clock.advance(Duration::minutes(30)).unwrap();
    let late = run(&w, w.expert(0), &t, TicketCommand::Accept).unwrap_err();
    assert!(matches!(late, Error::Ticket(TicketError::OfferExpired { respond_by: r, .. }) if r == respond_by));
    let expired = run(&w, Actor::system(), &t, TicketCommand::Expire).expect("expire");
    assert_eq!(expired.status(), TicketStatus::Open);
    assert!(matches!(expired.assignments[0].outcome, Outcome::Expired { .. }));
}

#[test]
fn an_expert_who_rejects_or_lets_an_offer_expire_is_never_offered_the_ticket_again() {
    let w = world();
    let t = ticket_in(&w, TicketStatus::Assigned);
    let t = run(&w, w.expert(0), &t, TicketCommand::Reject { reason: Reason::new("too far").unwrap() }).unwrap();
    let again = run(&w, w.admin, &t, TicketCommand::Assign { expert: w.experts[0].id, rationale: None });
    assert!(
        matches!(again, Err(Error::Ticket(TicketError::ExpertExcluded { expert, .. })) if expert == w.experts[0].id)
    );
    let t = run(&w, w.admin, &t, TicketCommand::Assign { expert: w.experts[1].id, rationale: None }).unwrap();
    w.clock.advance(Duration::hours(1)).unwrap();
    let t = run(&w, Actor::system(), &t, TicketCommand::Expire).unwrap();
    let again = run(&w, w.admin, &t, TicketCommand::Assign { expert: w.experts[1].id, rationale: None });
    assert!(matches!(again, Err(Error::Ticket(TicketError::ExpertExcluded { .. }))));
    let t = run(&w, w.admin, &t, TicketCommand::Assign { expert: w.experts[2].id, rationale: None }).unwrap();
    assert_eq!(t.assignments.len(), 3, "every attempt is kept in the history");
    assert!(matches!(t.assignments[0].outcome, Outcome::Rejected { ref reason, .. } if reason.as_str() == "too far"));
}

#[test]
fn a_ticket_can_be_reopened_only_within_the_plans_window() {
    let w = world();
    let t = ticket_in(&w, TicketStatus::Completed);
    w.clock.advance(Duration::days(7)).unwrap();
    let reopened = run(&w, w.customer(0), &t, TicketCommand::Reopen { reason: Reason::new("broke again").unwrap() })
        .expect("at the edge of the window");
    assert_eq!(reopened.status(), TicketStatus::Open);
    assert_eq!(reopened.reopened, 1);
    assert_eq!(reopened.open_since, w.clock.now(), "the wait for an expert starts again");

    let t2 = ticket_in(&w, TicketStatus::Completed);
    w.clock.advance(Duration::days(7) + Duration::seconds(1)).unwrap();
    let late = run(&w, w.customer(0), &t2, TicketCommand::Reopen { reason: Reason::new("late").unwrap() });
    assert!(matches!(late, Err(Error::Ticket(TicketError::ReopenWindowClosed { .. }))));
}

#[test]
fn cancelling_a_pending_offer_withdraws_it() {
    let w = world();
    let t = ticket_in(&w, TicketStatus::Assigned);
    let t = run(&w, w.helpdesk, &t, TicketCommand::Cancel { reason: Reason::new("duplicate").unwrap() }).unwrap();
    assert_eq!(t.status(), TicketStatus::Cancelled);
    assert!(matches!(t.assignments[0].outcome, Outcome::Withdrawn { .. }));
}

#[test]
fn the_plan_must_cover_the_device_and_the_expert_must_qualify() {
    let w = world();
    let mut request = tv_ticket("printer jam");
    request.category = ProductCategory::Printer;
    let refused = block_on(w.service.submit_ticket(w.customer(0), w.customers[0].id, request)).unwrap_err();
    assert!(matches!(refused, Error::Ticket(TicketError::NotCovered { category: ProductCategory::Printer, .. })));

    let mut hard = tv_ticket("needs a master");
    hard.required_level = sysops_core::SkillLevel::new(5).unwrap();
    let t = block_on(w.service.submit_ticket(w.helpdesk, w.customers[0].id, hard)).unwrap();
    let assign = run(&w, w.admin, &t, TicketCommand::Assign { expert: w.experts[0].id, rationale: None });
    assert!(matches!(
        assign,
        Err(Error::Ticket(TicketError::ExpertUnqualified { why: sysops_core::Unqualified::LevelTooLow, .. }))
    ));
    assert_eq!(block_on(w.service.ticket(w.admin, t.id)).unwrap().version(), t.version(), "nothing written");
}

#[test]
fn the_channel_follows_who_submitted() {
    let w = world();
    let web = block_on(w.service.submit_ticket(w.customer(1), w.customers[1].id, tv_ticket("a"))).unwrap();
    let phone = block_on(w.service.submit_ticket(w.helpdesk, w.customers[1].id, tv_ticket("b"))).unwrap();
    assert_eq!(web.channel, sysops_core::Channel::Web);
    assert_eq!(phone.channel, sysops_core::Channel::Phone);
}

#[test]
fn waiting_too_long_follows_the_plans_response_target() {
    let w = world();
    let t = ticket_in(&w, TicketStatus::Open);
    assert_eq!(t.overdue_by(w.clock.now() + Duration::hours(4)), None);
    assert_eq!(t.overdue_by(w.clock.now() + Duration::hours(4) + Duration::seconds(1)), Some(Duration::seconds(1)));
}
