"""Deadlines on a plan's business hours, as a call-center tool reads them: an office-hours plan,
a caller in Chicago, a Friday-afternoon ticket due on Monday morning in the caller's zone, a
wait on the caller that moves a deadline, and
the typed errors of a calendar too thin, a holiday that is no date and a zone that is no zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

import sysops
from sysops import Actor, Address, Contact, Currency, GeoPoint, Money, PlanTerms, Priority, ProductCategory, Role, ServiceHours, ServiceTargets, StaffRole, Weekday, WorkWindow

# Friday 2026-03-06, 16:55 in Chicago; the clocks go forward on Sunday.
FRIDAY = datetime(2026, 3, 6, 22, 55, tzinfo=timezone.utc)
WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]
HOME = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")


def office_plan(s: sysops.Sysops, admin: Actor, hours: ServiceHours) -> sysops.SupportPlan:
    targets = ServiceTargets(timedelta(minutes=30), timedelta(hours=2), timedelta(hours=8), timedelta(days=7))
    terms = PlanTerms("Office", Money(Decimal("19.99"), Currency.USD), [ProductCategory.TELEVISION], Priority.STANDARD, targets, hours)
    return s.define_plan(admin, terms)


def test_a_friday_afternoon_ticket_is_due_monday_morning_in_the_callers_zone(db_url: str) -> None:
    s = sysops.Sysops.open_simulated(db_url, FRIDAY, 31)
    admin = Actor(Role.ADMINISTRATOR, s.create_staff_account(sysops.system_actor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    office = ServiceHours.Business([WorkWindow(day, time(9), time(17)) for day in WEEKDAYS], [date(2026, 12, 25)])
    plan = office_plan(s, admin, office)
    hours = plan.terms.hours
    assert hours == office and hours.kind == "Business"
    assert isinstance(hours, ServiceHours.Business) and hours.holidays == [date(2026, 12, 25)]
    carla = s.register_customer(admin, Contact("Carla Caller", "carla@example.com", "+13125550100"), HOME, plan.id)

    ticket = s.submit_ticket(Actor(Role.CUSTOMER, carla.id), carla.id, category=ProductCategory.TELEVISION, description="No picture")
    assert ticket.time_zone == "America/Chicago"
    assert ticket.respond_by == datetime(2026, 3, 9, 15, 55, tzinfo=timezone.utc)  # Monday 10:55 CDT
    assert ticket.resolve_by == datetime(2026, 3, 9, 21, 55, tzinfo=timezone.utc)  # Monday 16:55 CDT

    s.advance_clock(timedelta(hours=65, minutes=1))  # Monday 10:56 CDT: one hour was skipped
    late = s.tickets_waiting_too_long(admin).tickets
    assert [(w.ticket.id, w.overdue_by) for w in late] == [(ticket.id, timedelta(minutes=1))]

    # The customer answers a question from the app an hour later: the deadline moves by the hour.
    carla_actor = Actor(Role.CUSTOMER, carla.id)
    second = s.submit_ticket(carla_actor, carla.id, category=ProductCategory.TELEVISION, description="Remote does nothing")
    assert second.respond_by is not None
    waiting = s.wait_for_customer(admin, second.id, "the remote's model number")
    assert waiting.status == sysops.TicketStatus.WAITING_FOR_CUSTOMER and waiting.respond_by is None
    assert isinstance(waiting.state, sysops.TicketState.WaitingForCustomer) and waiting.state.resumes == sysops.TicketStatus.OPEN
    s.advance_clock(timedelta(hours=1))
    back = s.reply_to_ticket(carla_actor, second.id)
    assert back.status == sysops.TicketStatus.OPEN and back.respond_by == second.respond_by + timedelta(hours=1)
    with pytest.raises(sysops.InvalidTransitionError):
        s.reply_to_ticket(carla_actor, second.id)
    s.close()


def test_a_thin_calendar_a_bad_date_and_an_unknown_zone_are_typed_errors(db_url: str) -> None:
    s = sysops.Sysops.open_simulated(db_url, FRIDAY, 37)
    admin = Actor(Role.ADMINISTRATOR, s.create_staff_account(sysops.system_actor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    with pytest.raises(sysops.InvalidInputError) as thin:
        office_plan(s, admin, ServiceHours.Business([WorkWindow(Weekday.MONDAY, time(9), time(9, 30))], []))
    assert thin.value.field == "business_hours"
    plan = office_plan(s, admin, ServiceHours.AroundTheClock())
    with pytest.raises(sysops.InvalidInputError) as mars:
        mars_home = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "Mars/Olympus")
        s.register_customer(admin, Contact("Marvin", "marvin@example.com", "+13125550101"), mars_home, plan.id)
    assert mars.value.field == "time_zone"
    s.close()
