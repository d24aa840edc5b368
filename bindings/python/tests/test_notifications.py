"""Notifications as a call-center tool runs them: a notifier written in Python receives the
expert's offer by SMS and the customer's news by their chosen channel, an invalid number is
recorded and never retried, the history is readable per ticket, a template naming a fact its
kind lacks is refused, and the deadline job's warning reaches the plan's escalation contact."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest

import sysops
from conftest import Office, caller_address
from sysops import (
    Actor,
    Contact,
    Currency,
    DeliveryStatus,
    Message,
    MessageChannel,
    MessageKind,
    Money,
    PlanTerms,
    Priority,
    ProductCategory,
    Role,
    ServiceTargets,
    Template,
)


class Outbox:
    """A notifier keeping what it was handed; numbers in ``invalid`` are refused for good."""

    def __init__(self, invalid: frozenset[str] = frozenset()) -> None:
        self.sent: list[Message] = []
        self.invalid = invalid

    def send(self, message: Message) -> None:
        if message.to in self.invalid:
            raise ValueError("no such number")
        self.sent.append(message)


def texting_customer(office: Office, phone: str = "+13125550100") -> sysops.Customer:
    contact = Contact("Carla Caller", "carla@example.com", phone, MessageChannel.SMS)
    return office.sysops.register_customer(office.helpdesk, contact, caller_address(), office.plan.id)


def test_the_expert_gets_the_offer_and_the_customer_the_news_by_text(office: Office) -> None:
    s = office.sysops
    expert = s.expert(office.admin, office.expert.id)
    # The fixture's expert has no phone: offers go to their staff account's email.
    carla = texting_customer(office)
    ticket = s.submit_ticket(Actor(Role.CUSTOMER, carla.id), carla.id, category=ProductCategory.TELEVISION, description="No picture")
    s.assign_ticket(office.admin, ticket.id, expert.id)
    s.accept_ticket(office.expert, ticket.id)
    outbox = Outbox()
    report = s.notify_round(sysops.system_actor(), outbox)
    assert (report.sent, report.failed) == (2, 0)
    offer, assigned = sorted(outbox.sent, key=lambda m: m.created_at)
    assert (offer.kind, offer.channel, offer.to) == (MessageKind.OFFER_MADE, MessageChannel.EMAIL, "eve@sysops.example")
    assert offer.subject is not None and ticket.number in offer.subject
    assert (assigned.kind, assigned.channel, assigned.to) == (MessageKind.EXPERT_ASSIGNED, MessageChannel.SMS, "+13125550100")
    assert assigned.subject is None and "Eve Expert" in assigned.body
    assert s.notify_round(sysops.system_actor(), outbox).sent == 0, "each message once"

    history = s.ticket_deliveries(Actor(Role.CUSTOMER, carla.id), ticket.id)
    assert [d.message.kind for d in history] == [MessageKind.EXPERT_ASSIGNED, MessageKind.OFFER_MADE]
    assert all(d.status == DeliveryStatus.SENT and d.attempts == 1 for d in history)
    with pytest.raises(sysops.ForbiddenError):
        s.customer_deliveries(office.expert, carla.id)


def test_an_invalid_number_is_recorded_and_never_tried_again(office: Office) -> None:
    s = office.sysops
    carla = texting_customer(office, "+13125550199")
    ticket = s.submit_ticket(office.helpdesk, carla.id, category=ProductCategory.TELEVISION, description="No sound")
    s.assign_ticket(office.admin, ticket.id, office.expert.id)
    s.accept_ticket(office.expert, ticket.id)
    outbox = Outbox(invalid=frozenset({"+13125550199"}))
    assert s.notify_round(sysops.system_actor(), outbox).failed == 1
    s.advance_clock(timedelta(days=1))
    assert s.notify_round(sysops.system_actor(), outbox).failed == 0
    failed = [d for d in s.customer_deliveries(office.admin, carla.id) if d.status == DeliveryStatus.FAILED]
    assert len(failed) == 1 and failed[0].attempts == 1
    assert failed[0].error is not None and "no such number" in failed[0].error


def test_a_template_naming_a_fact_its_kind_lacks_is_refused_when_saved(office: Office) -> None:
    s = office.sysops
    assert "amount" not in sysops.template_facts(MessageKind.OFFER_MADE)
    with pytest.raises(sysops.InvalidInputError) as refused:
        s.save_template(office.admin, Template(MessageKind.OFFER_MADE, MessageChannel.SMS, None, "Pay {amount}"))
    assert refused.value.field == "template"
    with pytest.raises(sysops.InvalidInputError) as no_subject:
        s.save_template(office.admin, Template(MessageKind.OFFER_MADE, MessageChannel.EMAIL, None, "Job {ticket_number}"))
    assert no_subject.value.field == "subject"
    mine = Template(MessageKind.OFFER_MADE, MessageChannel.EMAIL, "Job {ticket_number}", "Go to {city}.")
    s.save_template(office.admin, mine)
    assert mine in s.templates(office.admin)
    with pytest.raises(sysops.ForbiddenError):
        s.save_template(office.helpdesk, mine)


def test_a_ticket_nearing_its_deadline_emails_the_escalation_contact_once(office: Office) -> None:
    s = office.sysops
    targets = ServiceTargets(timedelta(minutes=30), timedelta(hours=4), timedelta(hours=48), timedelta(days=7))
    terms = PlanTerms(
        "Escalated", Money(Decimal("39.99"), Currency.USD), [ProductCategory.TELEVISION], Priority.HIGH, targets,
        sysops.ServiceHours.AroundTheClock(), escalation="duty.manager@sysops.example",
    )
    plan = s.define_plan(office.admin, terms)
    assert plan.terms.escalation == "duty.manager@sysops.example"
    carla = s.register_customer(office.helpdesk, Contact("Carla Caller", "carla@example.com", "+13125550100"), caller_address(), plan.id)
    ticket = s.submit_ticket(office.helpdesk, carla.id, category=ProductCategory.TELEVISION, description="No picture")
    s.advance_clock(timedelta(hours=3, minutes=20))
    report = s.check_deadlines(sysops.system_actor(), 80)
    assert (report.nearing, report.breached) == (1, 0)
    assert s.check_deadlines(sysops.system_actor()).nearing == 0, "once"
    outbox = Outbox()
    s.notify_round(sysops.system_actor(), outbox)
    [warning] = [m for m in outbox.sent if m.kind == MessageKind.DEADLINE_NEARING]
    assert warning.to == "duty.manager@sysops.example" and warning.ticket == ticket.id
    assert "response" in warning.body
    s.advance_clock(timedelta(hours=1))
    assert s.check_deadlines(sysops.system_actor()).breached == 1
    changes = [e.change for e in s.ticket_history(office.admin, ticket.id)]
    assert [c.kind for c in changes if c.kind.startswith("Deadline")] == ["DeadlineNearing", "DeadlineBreached"]
    for share in (0, 100, -1):
        with pytest.raises(sysops.InvalidInputError):
            s.check_deadlines(sysops.system_actor(), share)


def test_the_consumer_runs_until_stopped_from_another_thread(office: Office) -> None:
    s = office.sysops
    stop = sysops.StopSignal()
    outbox = Outbox()
    carla = texting_customer(office)
    ticket = s.submit_ticket(office.helpdesk, carla.id, category=ProductCategory.TELEVISION, description="No picture")
    s.assign_ticket(office.admin, ticket.id, office.expert.id)
    threading.Timer(0.3, stop.stop).start()
    totals = s.run_notifications(sysops.system_actor(), outbox, stop, idle_millis=20)
    assert stop.is_stopped() and totals.rounds >= 1 and totals.sent == 1
    assert [m.kind for m in outbox.sent] == [MessageKind.OFFER_MADE]
    with pytest.raises(sysops.ForbiddenError):
        s.notify_round(office.helpdesk, outbox)
