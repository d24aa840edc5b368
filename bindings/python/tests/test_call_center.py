"""The call-center flow: a caller phones in, helpdesk registers them and follows the ticket."""

from __future__ import annotations

import subprocess
import sys
import threading
import time as clock
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

import sysops
from conftest import Office, caller_address
from sysops import Actor, Channel, Contact, GeoPoint, ProductCategory, Role, TicketChange, TicketState, TicketStatus


def test_helpdesk_registers_a_caller_and_follows_the_ticket_to_completion(office: Office) -> None:
    s, helpdesk = office.sysops, office.helpdesk
    caller = s.register_customer(helpdesk, Contact("Carla Caller", "carla@example.com", "+13125550100"), caller_address(), office.plan.id)
    assert isinstance(caller.id, uuid.UUID)
    assert caller.contact.phone == "+13125550100"
    assert caller.registered_at.tzinfo is not None

    ticket = s.submit_ticket(helpdesk, caller.id, category="television", description="No picture, sound is fine", required_level=2)
    assert ticket.status == TicketStatus.OPEN
    assert ticket.channel == Channel.PHONE, "a ticket taken by the helpdesk came in by phone"
    assert ticket.category == ProductCategory.TELEVISION
    assert isinstance(ticket.state, TicketState.Open)

    # The customer's tickets, as the agent looks them up while the caller waits.
    mine = s.tickets(helpdesk, customer=caller.id)
    assert [t.id for t in mine] == [ticket.id]
    # A ticket number read out on the phone works as text too.
    assert s.ticket(helpdesk, str(ticket.id)).id == ticket.id

    report = s.run_assignment(sysops.system_actor())
    assert [(o.ticket, o.expert) for o in report.offers] == [(ticket.id, office.expert.id)]
    assert report.offers[0].rationale.total > 0

    expert = office.expert
    s.accept_ticket(expert, ticket.id)
    s.start_work(expert, ticket.id)
    done = s.complete_ticket(expert, ticket.id, "Replaced the HDMI board")
    assert done.status == TicketStatus.COMPLETED
    assert isinstance(done.state, TicketState.Completed)
    assert done.state.notes == "Replaced the HDMI board"
    assert done.expert == expert.id

    history = s.ticket_history(helpdesk, ticket.id)
    assert [e.name for e in history] == ["TicketSubmitted", "TicketAssigned", "AssignmentAccepted", "WorkStarted", "WorkCompleted"]
    assert [e.sequence for e in history] == [1, 2, 3, 4, 5]
    assert isinstance(history[0].change, TicketChange.Submitted)
    assert history[0].by == helpdesk
    assert all(isinstance(e.at, datetime) and e.at.utcoffset() == timedelta(0) for e in history)


def test_money_is_decimal_and_the_plan_reads_back_exactly(office: Office) -> None:
    plan = office.sysops.plan(office.helpdesk, office.plan.id)
    assert plan.terms.monthly_fee.amount == Decimal("29.99")
    assert plan.terms.targets.respond_within == timedelta(hours=4)
    assert plan == office.plan


def test_records_read_well_in_a_notebook(office: Office) -> None:
    assert repr(GeoPoint(41.88, -87.63)) == "GeoPoint { lat: 41.88, lon: -87.63 }"
    assert repr(TicketStatus.IN_PROGRESS) == "TicketStatus.IN_PROGRESS"
    assert "Gold" in repr(office.plan)


def test_a_customer_sees_only_their_own_tickets(office: Office) -> None:
    s = office.sysops
    first = s.register_customer(office.helpdesk, Contact("Ann", "ann@example.com", "+13125550101"), caller_address(), office.plan.id)
    other = s.register_customer(office.helpdesk, Contact("Bob", "bob@example.com", "+13125550102"), caller_address(), office.plan.id)
    ticket = s.submit_ticket(office.helpdesk, other.id, category=ProductCategory.TELEVISION, description="Flicker")
    ann = Actor(Role.CUSTOMER, first.id)
    with pytest.raises(sysops.ForbiddenError) as caught:
        s.ticket(ann, ticket.id)
    assert caught.value.reason == sysops.DenyReason.NOT_YOURS
    with pytest.raises(sysops.ForbiddenError):
        s.tickets(ann, customer=other.id)
    with pytest.raises(sysops.ForbiddenError):
        s.count_tickets(ann, customer=other.id)
    assert s.count_tickets(ann, customer=first.id) == 0
    assert s.count_tickets(office.helpdesk, customer=other.id, status=TicketStatus.OPEN) == 1


def test_a_completed_ticket_cannot_be_cancelled(office: Office) -> None:
    s = office.sysops
    caller = s.register_customer(office.helpdesk, Contact("Ann", "ann@example.com", "+13125550101"), caller_address(), office.plan.id)
    ticket = s.submit_ticket(office.helpdesk, caller.id, category="television", description="No sound")
    s.assign_ticket(office.admin, ticket.id, office.expert.id)
    s.accept_ticket(office.expert, ticket.id)
    s.start_work(office.expert, ticket.id)
    s.complete_ticket(office.expert, ticket.id, "Fixed")
    with pytest.raises(sysops.InvalidTransitionError) as caught:
        s.cancel_ticket(office.helpdesk, ticket.id, "changed my mind")
    assert caught.value.status == sysops.TicketStatus.COMPLETED
    assert isinstance(caught.value, sysops.SysopsError)


def test_waiting_too_long_and_the_outbox(office: Office) -> None:
    s = office.sysops
    caller = s.register_customer(office.helpdesk, Contact("Ann", "ann@example.com", "+13125550101"), caller_address(), office.plan.id)
    ticket = s.submit_ticket(office.helpdesk, caller.id, category="television", description="No sound")
    s.set_expert_active(office.admin, office.expert.id, False)
    s.advance_clock(timedelta(hours=5))
    waiting = s.tickets_waiting_too_long(office.admin)
    assert [w.ticket.id for w in waiting] == [ticket.id]
    assert waiting[0].overdue_by == timedelta(hours=1)

    entries = s.poll_outbox("notifications", 1000)
    assert any(e.name == "TicketSubmitted" and e.aggregate_id == ticket.id for e in entries)
    s.ack_outbox("notifications", entries[-1].position)
    assert s.poll_outbox("notifications") == []


# Holds the database's write lock until told to let go. A separate process: two SQLite
# libraries in one process do not see each other's POSIX locks.
LOCK_HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


def test_calls_release_the_gil(office: Office, db_url: str) -> None:
    """A call waiting on the database lets other Python threads run.

    Another process holds the write lock; a sysops write waits for it in a thread. The main
    thread then tells the other process to let go. If the waiting call held the GIL, the
    main thread could not run until the call gave up (after its 10 s busy timeout) and the
    write would fail; with the GIL released, the write goes through as soon as the lock is gone.
    """
    s = office.sysops
    caller = s.register_customer(office.helpdesk, Contact("Ann", "ann@example.com", "+13125550101"), caller_address(), office.plan.id)
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, db_url.removeprefix("sqlite://")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "locked"
    outcome: list[object] = []
    writer = threading.Thread(
        target=lambda: outcome.append(s.submit_ticket(office.helpdesk, caller.id, category="television", description="Waits"))
    )
    started = clock.monotonic()
    writer.start()
    clock.sleep(0.5)
    assert writer.is_alive(), "the write must wait for the lock"
    holder.stdin.write("go\n")
    holder.stdin.flush()
    writer.join(timeout=30)
    holder.wait(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], sysops.Ticket)
    assert clock.monotonic() - started < 5, "the main thread ran while the call waited"
