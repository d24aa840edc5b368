"""Helpdesk search from Python: a returning caller found by the phone number they call from,
however it is written, by email or by a few letters of their name; their tickets by the number
they read out; and anything typed in the box answered or refused with a typed error."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import sysops
from conftest import Office, caller_address
from sysops import Contact, LookupKind, TicketStatus


def register(office: Office, name: str, email: str, phone: str) -> sysops.Customer:
    return office.sysops.register_customer(office.helpdesk, Contact(name, email, phone), caller_address(), office.plan.id)


def names(results: sysops.CustomerResults) -> list[str]:
    return [c.contact.name for c in results.customers]


def test_a_returning_caller_is_found_by_phone_email_or_name(office: Office) -> None:
    s, helpdesk = office.sysops, office.helpdesk
    jose = register(office, "José García", "Jose.Garcia@Example.com", "+13125550100")
    register(office, "Joseph Garcia-Lopez", "jgl@example.com", "+13125550199")
    for typed in ["(312) 555-0100", "312.555.0100", "+1 312 555 0100"]:
        found = s.find_customers(helpdesk, typed)
        assert [c.id for c in found.customers] == [jose.id], typed
        assert found.matched_by == LookupKind.PHONE
    assert names(s.find_customers(helpdesk, "JOSE.GARCIA@EXAMPLE.COM")) == ["José García"]
    assert names(s.find_customers(helpdesk, "garcia jose")) == ["José García", "Joseph Garcia-Lopez"]
    assert s.find_customers(helpdesk, "garcia", limit=1).next_offset == 1


def test_a_ticket_is_found_by_the_number_the_customer_reads_out(office: Office) -> None:
    s, helpdesk = office.sysops, office.helpdesk
    ann = register(office, "Ann Lee", "ann@example.com", "+13125550101")
    first = s.submit_ticket(helpdesk, ann.id, category="television", description="No picture")
    s.advance_clock(timedelta(hours=1))
    second = s.submit_ticket(helpdesk, ann.id, category="television", description="No sound")
    assert len(first.number) == 11 and first.number[5] == "-"

    by_number = s.find_tickets(helpdesk, first.number.lower().replace("-", " "))
    assert [t.id for t in by_number.tickets] == [first.id]
    assert by_number.matched_by == LookupKind.TICKET_NUMBER

    assert [t.id for t in s.find_tickets(helpdesk, "312 555 0101").tickets] == [second.id, first.id]
    s.cancel_ticket(helpdesk, first.id, "works again")
    open_only = s.find_tickets(helpdesk, "ann", status=TicketStatus.OPEN)
    assert [t.id for t in open_only.tickets] == [second.id]
    since = s.find_tickets(helpdesk, submitted_from=second.submitted_at)
    assert [t.id for t in since.tickets] == [second.id] and since.matched_by is None


def test_bad_searches_are_typed_errors(office: Office) -> None:
    s, helpdesk = office.sysops, office.helpdesk
    for text in ["", "555-01", "x" * 321, "a b c d e f g h i"]:
        with pytest.raises(sysops.InvalidInputError):
            s.find_customers(helpdesk, text)
    with pytest.raises(sysops.InvalidInputError):
        s.find_customers(helpdesk, "ann", limit=0)
    with pytest.raises(sysops.InvalidInputError):
        s.find_customers(helpdesk, "ann", offset=2**70)
    with pytest.raises(sysops.InvalidInputError):
        moment = datetime(2026, 3, 2, tzinfo=timezone.utc)
        s.find_tickets(helpdesk, submitted_from=moment, submitted_to=moment)
    with pytest.raises(sysops.ForbiddenError):
        s.find_customers(office.expert, "ann")
    assert s.find_customers(helpdesk, "'; DROP TABLE customers; --").customers == []
