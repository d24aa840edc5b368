"""The expert's day (tests/scenario/README.md) from Python.

``python expert_day.py DATABASE_URL`` prints the final state; scripts/test.sh compares it
with the Rust and Kotlin runs of the same scenario.
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import sysops
from sysops import (
    Actor,
    Address,
    Contact,
    Currency,
    ExpertProfile,
    GeoPoint,
    Money,
    Outcome,
    PlanTerms,
    Priority,
    ProductCategory,
    Role,
    ServiceTargets,
    Skill,
    StaffRole,
    Ticket,
    Weekday,
    WeeklyHours,
    WorkWindow,
)

START = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]
OFFICE_HOURS = WeeklyHours("America/Chicago", [WorkWindow(day, time(8), time(18)) for day in WEEKDAYS])


def outcome_name(outcome: object) -> str:
    for name, cls in [
        ("pending", Outcome.Pending),
        ("accepted", Outcome.Accepted),
        ("rejected", Outcome.Rejected),
        ("expired", Outcome.Expired),
        ("withdrawn", Outcome.Withdrawn),
    ]:
        if isinstance(outcome, cls):
            return name
    raise AssertionError(f"unknown outcome {outcome!r}")


def summary_line(ticket: Ticket) -> str:
    offers = ",".join(f"{a.expert}:{outcome_name(a.outcome)}" for a in ticket.assignments)
    status = repr(ticket.status).rsplit(".", 1)[-1]
    return f"ticket {ticket.id} {status} expert={ticket.expert or '-'} offers={offers}"


def run(url: str) -> list[str]:
    s = sysops.Sysops.open_simulated(url, START, 7)
    system = sysops.system_actor()
    admin = Actor(Role.ADMINISTRATOR, s.create_staff_account(system, "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    helpdesk = Actor(Role.HELPDESK, s.create_staff_account(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK).id)
    targets = ServiceTargets(timedelta(minutes=30), timedelta(hours=4), timedelta(hours=48), timedelta(days=7))
    terms = PlanTerms(
        "Gold", Money(Decimal("29.99"), Currency.USD), [ProductCategory.TELEVISION, ProductCategory.COMPUTER], Priority.HIGH, targets,
        sysops.ServiceHours.AroundTheClock(),
    )
    plan = s.define_plan(admin, terms)

    experts = []
    for name, email, base in [
        ("Eve Expert", "eve@sysops.example", GeoPoint(41.8781, -87.6298)),
        ("Sam Expert", "sam@sysops.example", GeoPoint(41.95, -87.75)),
    ]:
        account = s.create_staff_account(admin, name, email, StaffRole.EXPERT)
        skills = [Skill(ProductCategory.TELEVISION, 3), Skill(ProductCategory.COMPUTER, 3)]
        expert = s.register_expert(admin, account.id, ExpertProfile(name, skills, base, 50, OFFICE_HOURS, 5))
        experts.append(Actor(Role.EXPERT, expert.id))
    eve, sam = experts

    contact = Contact("Carla Caller", "carla@example.com", "+13125550100")
    address = Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
    carla = s.register_customer(helpdesk, contact, address, plan.id)
    first, second, third = (
        s.submit_ticket(helpdesk, carla.id, category=category, description=text, required_level=level).id
        for category, text, level in [
            (ProductCategory.TELEVISION, "No picture, sound is fine", 2),
            (ProductCategory.COMPUTER, "Laptop does not boot", 2),
            (ProductCategory.TELEVISION, "Remote not pairing", 1),
        ]
    )

    report = s.run_assignment(system)
    assert len(report.offers) == 3 and all(o.expert == eve.id for o in report.offers), "Eve is offered all three"

    mine = s.tickets(eve, expert=eve.id)
    assert len(mine) == 3, "Eve sees her three offers"
    s.accept_ticket(eve, first)
    s.start_work(eve, first)
    s.complete_ticket(eve, first, "Replaced HDMI board")
    s.reject_ticket(eve, second, "No laptop parts in the van")

    try:
        s.accept_ticket(eve, second)
        raise AssertionError("accepting a ticket not offered to her must be forbidden")
    except sysops.ForbiddenError as e:
        assert e.reason == sysops.DenyReason.NOT_ASSIGNED_TO_YOU, e.reason
    try:
        s.accept_ticket(eve, uuid.UUID(int=0))
        raise AssertionError("an unknown ticket must not be found")
    except sysops.NotFoundError as e:
        assert e.kind == "ticket"
    try:
        s.register_customer(helpdesk, Contact("Carla Caller", "carla@example.com", "12345"), address, plan.id)
        raise AssertionError("a bad phone number must be refused")
    except sysops.InvalidInputError as e:
        assert e.field == "phone"

    s.advance_clock(timedelta(minutes=45))
    again = s.run_assignment(system)
    assert again.expired == [third], "the unanswered offer expires"
    assert len(again.offers) == 2 and all(o.expert == sam.id for o in again.offers), "Sam gets both"
    s.accept_ticket(sam, second)

    lines = [summary_line(s.ticket(admin, t)) for t in (first, second, third)]
    history = s.ticket_history(eve, first)
    lines.append(f"history {first} {','.join(e.name for e in history)}")
    s.close()
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: expert_day.py DATABASE_URL")
    print("\n".join(run(sys.argv[1])))
