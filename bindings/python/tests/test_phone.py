"""The expert's phone from Python: a replica in its own SQLite file, worked offline, synced
through bytes with the server; a refusal on reconnect rolls the ticket back with its reason;
bad, stale or newer messages are typed errors that change nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import sysops
from conftest import START, Office, caller_address
from sysops import Contact, Refusal, Replica, SyncFault, TicketStatus


def sync(office: Office, phone: Replica) -> list[sysops.SyncReport]:
    reports = []
    while True:
        answer = office.sysops.serve_sync(office.expert, phone.request(limit=2))
        reports.append(phone.receive(answer))
        if not reports[-1].more:
            return reports


def test_an_expert_works_offline_and_a_conflict_is_refused_on_reconnect(office: Office, tmp_path: Path) -> None:
    s = office.sysops
    customer = s.register_customer(office.helpdesk, Contact("Ann Caller", "ann@example.com", "+13125550100"), caller_address(), office.plan.id)
    tickets = [s.submit_ticket(office.helpdesk, customer.id, category="television", description=text) for text in ("No picture", "No sound")]
    for ticket in tickets:
        s.assign_ticket(office.admin, ticket.id, office.expert.id)
    article = s.write_article(office.expert, sysops.ArticleContent("No picture on HDMI", "Reseat the cable.", [sysops.ProductCategory.TELEVISION], []))

    url = f"sqlite://{tmp_path / 'phone.db'}"
    phone = Replica.open(url, office.expert.id, start=START, id_seed=7)
    sync(office, phone)
    assert [t.status for t in phone.tickets()] == [TicketStatus.ASSIGNED, TicketStatus.ASSIGNED]
    assert phone.customer(customer.id).contact.name == "Ann Caller"
    assert [h.title for h in phone.search_articles("cable").hits] == ["No picture on HDMI"]

    # Offline: accept both, work the first; the phone answers at once and keeps the queue on disk.
    first, second = tickets[0].id, tickets[1].id
    phone.accept(first)
    phone.accept(second)
    phone.start(first)
    assert phone.complete(first, "Reseated the cable").status == TicketStatus.COMPLETED
    phone.link_articles(first, [article.id])
    with pytest.raises(sysops.InvalidTransitionError):
        phone.start(first)
    phone = Replica.open(url, office.expert.id, start=START, id_seed=8)  # the app was killed
    assert len(phone.queued()) == 5

    # Meanwhile helpdesk cancels the second ticket on the server.
    s.cancel_ticket(office.helpdesk, second, "the customer fixed it")
    reports = sync(office, phone)
    refused = [r for report in reports for r in report.refused]
    assert [r.command.ticket for r in refused] == [second]
    assert refused[0].refusal == Refusal.Forbidden(sysops.DenyReason.NOT_ASSIGNED_TO_YOU)
    assert phone.queued() == []
    assert [t.id for t in phone.tickets()] == [first]
    assert s.ticket(office.admin, first).solved_by == [article.id]
    phone.dismiss(refused[0].command.id)
    assert phone.refused() == []


def test_bad_stale_and_newer_messages_are_typed_errors(office: Office) -> None:
    phone = Replica.open("sqlite::memory:", office.expert.id, start=START)
    stale = office.sysops.serve_sync(office.expert, phone.request())
    fresh = office.sysops.serve_sync(office.expert, phone.request())
    for answer, fault in ((stale, SyncFault.STALE), (b"\x00garbage", SyncFault.MALFORMED)):
        with pytest.raises(sysops.SyncError) as refused:
            phone.receive(answer)
        assert refused.value.fault == fault
    newer = json.loads(fresh)
    newer["protocol"] = 3
    with pytest.raises(sysops.SyncError) as refused:
        phone.receive(json.dumps(newer).encode())
    assert refused.value.fault == SyncFault.NEWER_PROTOCOL
    phone.receive(fresh)
    with pytest.raises(sysops.ForbiddenError):
        office.sysops.serve_sync(office.helpdesk, phone.request())
    with pytest.raises(sysops.InvalidInputError):
        Replica.open("postgres://localhost/x", office.expert.id)
    with pytest.raises(sysops.InvalidInputError):
        phone.reject(office.expert.id, "")
    with pytest.raises(sysops.RuleViolatedError):
        Replica.open("sqlite::memory:", office.expert.id).advance_clock(timedelta(hours=1))


def test_a_phone_database_belongs_to_one_expert(office: Office, tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'phone.db'}"
    Replica.open(url, office.expert.id).request()
    with pytest.raises(sysops.SyncError) as refused:
        Replica.open(url, office.admin.id)
    assert refused.value.fault == SyncFault.OTHER_EXPERT
