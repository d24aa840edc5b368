"""Bad input across the boundary: each case is a typed sysops error, never a crash."""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Callable

import pytest

import sysops
from conftest import CHICAGO, Office, caller_address
from sysops import Contact, GeoPoint, NewTicket, ProductCategory, StaffRole, Weekday, WeeklyHours, WorkWindow


def invalid(field: str, call: Callable[[], object]) -> sysops.InvalidInputError:
    with pytest.raises(sysops.InvalidInputError) as caught:
        call()
    assert caught.value.field == field, caught.value.reason
    assert isinstance(caught.value, sysops.SysopsError)
    return caught.value


@pytest.fixture
def caller(office: Office) -> sysops.Customer:
    contact = Contact("Carla Caller", "carla@example.com", "+13125550100")
    return office.sysops.register_customer(office.helpdesk, contact, caller_address(), office.plan.id)


def test_empty_and_blank_strings(office: Office) -> None:
    invalid("name", lambda: office.sysops.create_staff_account(office.admin, "", "x@sysops.example", StaffRole.HELPDESK))
    invalid("name", lambda: office.sysops.create_staff_account(office.admin, "   ", "x@sysops.example", StaffRole.HELPDESK))


def test_a_one_megabyte_description(office: Office, caller: sysops.Customer) -> None:
    error = invalid(
        "description", lambda: office.sysops.submit_ticket(office.helpdesk, caller.id, category="television", description="x" * 1_000_000)
    )
    assert len(str(error)) < 500, "the error does not echo the megabyte back"


def test_malformed_email_and_phone(office: Office) -> None:
    invalid("email", lambda: office.sysops.create_staff_account(office.admin, "Bo", "not-an-email", StaffRole.HELPDESK))
    invalid("phone", lambda: office.sysops.register_customer(office.helpdesk, Contact("Bo", "bo@example.com", "12345"), caller_address(), office.plan.id))


def test_out_of_range_numbers(office: Office, caller: sysops.Customer) -> None:
    s, admin, expert = office.sysops, office.admin, office.expert.id
    invalid("skill_level", lambda: s.submit_ticket(office.helpdesk, caller.id, category="television", description="x", required_level=9))
    invalid("capacity", lambda: s.set_expert_capacity(admin, expert, 0))
    invalid("capacity", lambda: s.set_expert_capacity(admin, expert, 2**63 - 1))
    invalid("service_radius_km", lambda: s.set_expert_service_area(admin, expert, CHICAGO, -5))
    invalid("location", lambda: s.set_expert_service_area(admin, expert, GeoPoint(200.0, 0.0), 50))
    invalid("location", lambda: s.set_expert_service_area(admin, expert, GeoPoint(0.0, float("nan")), 50))
    invalid("limit", lambda: s.tickets(admin, limit=-1))
    invalid("limit", lambda: s.poll_outbox("reports", 2**40))


def test_unknown_enumeration_values(office: Office, caller: sysops.Customer) -> None:
    invalid("product_category", lambda: sysops.product_category_named("hovercraft"))
    invalid("product_category", lambda: office.sysops.submit_ticket(office.helpdesk, caller.id, category="hovercraft", description="x"))
    invalid("product_category", lambda: office.sysops.submit_ticket(office.helpdesk, caller.id, category=42, description="x"))  # type: ignore[arg-type]
    hours = WeeklyHours("Mars/Olympus", [WorkWindow(Weekday.MONDAY, time(8), time(18))])
    invalid("time_zone", lambda: office.sysops.set_expert_hours(office.admin, office.expert.id, hours))
    assert sysops.product_category_named("game_console") == ProductCategory.GAME_CONSOLE


def test_malformed_ids_and_urls(office: Office) -> None:
    invalid("id", lambda: office.sysops.ticket(office.admin, "ticket-42"))
    invalid("id", lambda: office.sysops.ticket(office.admin, 42))  # type: ignore[arg-type]
    invalid("url", lambda: sysops.Sysops.open("mysql://localhost/sysops"))
    with pytest.raises(sysops.NotFoundError) as caught:
        office.sysops.ticket(office.admin, "00000000-0000-0000-0000-000000000000")
    assert caught.value.kind == "ticket"


def test_an_interval_that_ends_before_it_starts(office: Office) -> None:
    later, earlier = datetime(2026, 3, 3, tzinfo=timezone.utc), datetime(2026, 3, 2, tzinfo=timezone.utc)
    invalid("time_off", lambda: office.sysops.add_expert_time_off(office.admin, office.expert.id, later, earlier))
    backwards = WeeklyHours("America/Chicago", [WorkWindow(Weekday.MONDAY, time(18), time(8))])
    invalid("working_hours", lambda: office.sysops.set_expert_hours(office.admin, office.expert.id, backwards))


def test_a_closed_handle(db_url: str) -> None:
    with sysops.Sysops.open(db_url) as s:
        assert s.backend == "sqlite"
    with pytest.raises(sysops.ClosedError):
        s.create_staff_account(sysops.system_actor(), "Ada", "ada@sysops.example", StaffRole.ADMINISTRATOR)
    s.close()  # closing again is harmless
