"""One bad argument never poisons a ticket, halts the job, or escapes the SysopsError hierarchy."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Callable
from zoneinfo import ZoneInfo

import pytest

import sysops
from conftest import START, Office, caller_address
from sysops import Contact, CostWeights, Currency, GeoPoint, Money, ProductCategory, RecordKind, Skill, TicketStatus


def invalid(field: str, call: Callable[[], object]) -> sysops.InvalidInputError:
    with pytest.raises(sysops.InvalidInputError) as caught:
        call()
    assert caught.value.field == field, caught.value.reason
    return caught.value


def submit_three(office: Office) -> list[sysops.Ticket]:
    contact = Contact("Carla Caller", "carla@example.com", "+13125550100")
    caller = office.sysops.register_customer(office.helpdesk, contact, caller_address(), office.plan.id)
    return [
        office.sysops.submit_ticket(office.helpdesk, caller.id, category="television", description=text)
        for text in ("no picture", "no sound", "flickers")
    ]


def test_nan_cost_weights_are_refused_and_poison_nothing(office: Office, db_url: str) -> None:
    s, system = office.sysops, sysops.system_actor()
    tickets = submit_three(office)
    for bad in (float("nan"), float("inf"), -1.0, 100.5):
        invalid("distance_per_km", lambda: s.run_assignment(system, CostWeights(bad, 1, 1, 1, 1)))
    invalid("fairness", lambda: s.run_assignment(system, CostWeights(1, 1, 1, 1, float("-inf"))))
    assert all(t.status == TicketStatus.OPEN for t in s.tickets(office.admin))
    report = s.run_assignment(system)
    assert len(report.offers) == 3 and report.quarantined == []
    s.close()
    with sysops.Sysops.open(db_url) as reopened:
        listed = reopened.tickets(office.admin)
        assert {t.id for t in listed} == {t.id for t in tickets}
        assert all(t.status == TicketStatus.ASSIGNED for t in listed)


def test_a_clock_pushed_past_the_range_is_a_typed_error_not_a_panic(office: Office) -> None:
    s = office.sysops
    for huge in (timedelta.max, timedelta(days=8_000 * 365)):
        try:
            s.advance_clock(huge)
        except Exception as caught:  # an ordinary handler catches it: no BaseException escapes
            assert isinstance(caught, sysops.InvalidInputError), repr(caught)
            assert caught.field == "clock"
        else:
            pytest.fail("the clock left the accepted range")
    assert s.advance_clock(timedelta(0)) == START, "a refused move changes nothing"
    invalid("by", lambda: s.advance_clock(timedelta(seconds=-1)))


def test_aware_datetimes_in_any_zone_are_the_same_instant_in_utc(office: Office) -> None:
    s, admin, expert = office.sysops, office.admin, office.expert.id
    eastern = datetime(2026, 7, 1, 9, tzinfo=timezone(timedelta(hours=-5)))
    chicago = datetime(2026, 7, 2, 9, tzinfo=ZoneInfo("America/Chicago"))  # CDT, UTC-5
    updated = s.add_expert_time_off(admin, expert, eastern, chicago)
    off = updated.time_off[0]
    assert off.start == datetime(2026, 7, 1, 14, tzinfo=timezone.utc)
    assert off.until == datetime(2026, 7, 2, 14, tzinfo=timezone.utc)


def test_naive_datetimes_are_refused_saying_why(office: Office) -> None:
    s, admin, expert = office.sysops, office.admin, office.expert.id
    naive = datetime(2026, 7, 1, 9)
    error = invalid("start", lambda: s.add_expert_time_off(admin, expert, naive, naive + timedelta(days=1)))
    assert "naive" in error.reason
    invalid("start", lambda: sysops.Sysops.open_simulated("sqlite::memory:", naive))


def test_times_before_1970_are_refused_everywhere(office: Office) -> None:
    s, admin, expert = office.sysops, office.admin, office.expert.id
    july_1969 = datetime(1969, 7, 20, 20, 17, tzinfo=timezone.utc)
    invalid("time_off.start", lambda: s.add_expert_time_off(admin, expert, july_1969, START))
    invalid("start", lambda: sysops.Sysops.open_simulated("sqlite::memory:", datetime(1950, 1, 1, tzinfo=timezone.utc)))
    # Converting to UTC would leave Python's own range: refused, not an OverflowError.
    before_year_1 = datetime.min.replace(tzinfo=timezone(timedelta(hours=1)))
    invalid("start", lambda: s.add_expert_time_off(admin, expert, before_year_1, START))
    # The last instant Python can write is the last one sysops accepts.
    latest = datetime.max.replace(tzinfo=timezone.utc)
    assert s.add_expert_time_off(admin, expert, START, latest).time_off[-1].until == latest


def test_decimals_that_are_not_amounts_are_invalid_input() -> None:
    for bad in ("NaN", "sNaN", "Infinity", "-Infinity", "1e100"):
        invalid("amount", lambda: Money(Decimal(bad), Currency.USD))
    assert Money(Decimal("29.99"), Currency.USD).amount == Decimal("29.99")


def test_integers_that_do_not_fit_are_invalid_input_and_wrong_types_are_type_errors(office: Office) -> None:
    s, admin, expert = office.sysops, office.admin, office.expert.id
    invalid("capacity", lambda: s.set_expert_capacity(admin, expert, 10**30))
    invalid("level", lambda: Skill(ProductCategory.TELEVISION, 10**30))
    invalid("lat", lambda: GeoPoint(10**400, 0.0))
    invalid("position", lambda: s.ack_outbox("reports", -1))
    invalid("id_seed", lambda: sysops.Sysops.open_simulated("sqlite::memory:", START, -1))
    invalid("limit", lambda: s.tickets(admin, limit=2**70))
    with pytest.raises(TypeError):
        s.set_expert_capacity(admin, expert, "five")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        s.add_expert_time_off(admin, expert, "2026-07-01", START)  # type: ignore[arg-type]


def test_a_record_planted_by_hand_is_quarantined_and_everything_else_goes_on(office: Office, db_url: str) -> None:
    s = office.sysops
    tickets = submit_three(office)
    bad = tickets[1]
    with sqlite3.connect(db_url.removeprefix("sqlite://")) as raw:
        raw.execute("UPDATE states SET json = '{\"state\": null}' WHERE kind = 'ticket' AND id = ?", (bad.id.bytes,))

    listed = s.tickets(office.admin)
    assert [t.id for t in listed] == [tickets[0].id, tickets[2].id]
    assert [(q.kind, q.id) for q in listed.quarantined] == [(RecordKind.TICKET, bad.id)]
    with pytest.raises(sysops.InternalError) as caught:
        s.ticket(office.admin, bad.id)
    assert str(bad.id) in str(caught.value)

    report = s.run_assignment(sysops.system_actor())
    assert {o.ticket for o in report.offers} == {tickets[0].id, tickets[2].id}
    assert [q.id for q in report.quarantined] == [bad.id]

    audit = s.quarantined_records(office.admin, RecordKind.TICKET)
    assert [q.id for q in audit.quarantined] == [bad.id] and len(audit.healthy) == 2
    with pytest.raises(sysops.ForbiddenError):
        s.quarantined_records(office.helpdesk, RecordKind.TICKET)


def test_pages_read_like_lists(office: Office) -> None:
    tickets = submit_three(office)
    page = office.sysops.tickets(office.admin, limit=2)
    assert len(page) == 2 and page[0].id == tickets[0].id and page[-1].id == tickets[1].id
    assert [t.id for t in page] == [t.id for t in page.tickets]
    assert page.next == tickets[1].id
    rest = office.sysops.tickets(office.admin, after=page.next, limit=2)
    assert [t.id for t in rest] == [tickets[2].id] and rest.next is None
    with pytest.raises(IndexError):
        page[2]

