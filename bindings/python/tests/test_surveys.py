"""A customer answers the survey of their completed ticket from the link in the email they
received, without logging in: the link opens once, a forged, truncated or expired one opens
nothing, the history keeps no working link, and the score rates the expert."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

import sysops
from conftest import Office, caller_address
from sysops import Actor, Message, MessageChannel, MessageKind, ProductCategory, Role, Rule

LINK = re.compile(r"/survey/([A-Za-z0-9_-]{64})(?![A-Za-z0-9_-])")


class Inbox:
    """The customer's mailbox, as the host's notifier fills it."""

    def __init__(self) -> None:
        self.received: list[Message] = []

    def send(self, message: Message) -> None:
        self.received.append(message)

    def survey_link_token(self) -> str:
        invitations = [m for m in self.received if m.kind == MessageKind.SURVEY_INVITATION]
        assert len(invitations) == 1
        found = LINK.search(invitations[-1].body)
        assert found is not None, invitations[-1].body
        return found.group(1)


def completed_ticket(office: Office) -> sysops.Ticket:
    s = office.sysops
    contact = sysops.Contact("Carla Caller", "carla@example.com", "+13125550100", MessageChannel.SMS)
    customer = s.register_customer(office.helpdesk, contact, caller_address(), office.plan.id)
    ticket = s.submit_ticket(Actor(Role.CUSTOMER, customer.id), customer.id, category=ProductCategory.TELEVISION, description="No sound")
    s.assign_ticket(office.admin, ticket.id, office.expert.id)
    s.accept_ticket(office.expert, ticket.id)
    s.start_work(office.expert, ticket.id)
    return s.complete_ticket(office.expert, ticket.id, "Replaced the speaker cable")


def rule_of(error: pytest.ExceptionInfo[sysops.RuleViolatedError]) -> Rule:
    return error.value.rule


def test_a_customer_answers_the_survey_from_the_link_once(office: Office) -> None:
    s = office.sysops
    ticket = completed_ticket(office)
    inbox = Inbox()
    s.notify_round(sysops.system_actor(), inbox)
    invitation = next(m for m in inbox.received if m.kind == MessageKind.SURVEY_INVITATION)
    # An SMS customer still gets the survey by email: it is a link to open.
    assert (invitation.channel, invitation.to) == (MessageChannel.EMAIL, "carla@example.com")
    token = inbox.survey_link_token()

    page = s.open_survey(token)
    assert page.ticket_number == ticket.number
    assert page.expert_name == "Eve Expert"
    assert page.expires_at - page.completed_at == timedelta(days=14)

    s.answer_survey(token, 4, recommend=9, comment="Quick and tidy")
    expert = s.expert(office.admin, office.expert.id)
    assert (expert.surveys, expert.rating) == (1, 4.0)

    with pytest.raises(sysops.RuleViolatedError) as again:
        s.answer_survey(token, 1)
    assert rule_of(again) == Rule.SURVEY_ANSWERED
    assert s.expert(office.admin, office.expert.id).surveys == 1

    # The delivery history shows the message, not a link that works.
    history = s.ticket_deliveries(office.admin, ticket.id)
    kept = next(d for d in history if d.message.kind == MessageKind.SURVEY_INVITATION)
    assert token not in kept.message.body and "[token withheld]" in kept.message.body


def test_forged_truncated_and_expired_links_open_nothing(office: Office) -> None:
    s = office.sysops
    completed_ticket(office)
    inbox = Inbox()
    s.notify_round(sysops.system_actor(), inbox)
    token = inbox.survey_link_token()
    forged = token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8)
    for bad in ["", token[:40], token + "x", forged, "é" * 64, "x" * 1_000_000]:
        with pytest.raises(sysops.RuleViolatedError) as refused:
            s.open_survey(bad)
        assert rule_of(refused) == Rule.SURVEY_LINK_INVALID
        with pytest.raises(sysops.RuleViolatedError):
            s.answer_survey(bad, 5)

    for satisfaction, recommend in [(0, None), (6, None), (2**70, None), (3, 11), (3, -1)]:
        with pytest.raises(sysops.InvalidInputError):
            s.answer_survey(token, satisfaction, recommend=recommend)
    with pytest.raises(sysops.InvalidInputError):
        s.answer_survey(token, 3, comment=" ")
    assert s.expert(office.admin, office.expert.id).surveys == 0, "nothing stored"

    s.advance_clock(timedelta(days=14))
    with pytest.raises(sysops.RuleViolatedError) as late:
        s.answer_survey(token, 5)
    assert rule_of(late) == Rule.SURVEY_EXPIRED
