"""Fixtures: a fresh SQLite file per test, and a small staffed office on it."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import pytest

import sysops
from sysops import (
    Actor,
    Address,
    Currency,
    ExpertProfile,
    GeoPoint,
    Money,
    PlanTerms,
    Priority,
    ProductCategory,
    Role,
    ServiceTargets,
    Skill,
    StaffRole,
    SupportPlan,
    Weekday,
    WeeklyHours,
    WorkWindow,
)

sys.path.insert(0, str(Path(__file__).parent))

# Monday 09:00 in Chicago.
START = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
CHICAGO = GeoPoint(41.8781, -87.6298)


@dataclass
class Office:
    """An administrator, a helpdesk agent, a plan and one on-duty television expert."""

    sysops: sysops.Sysops
    admin: Actor
    helpdesk: Actor
    expert: Actor
    plan: SupportPlan


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'sysops.db'}"


@pytest.fixture
def office(db_url: str) -> Iterator[Office]:
    s = sysops.Sysops.open_simulated(db_url, START, 3)
    admin = Actor(Role.ADMINISTRATOR, s.create_staff_account(sysops.system_actor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    helpdesk = Actor(Role.HELPDESK, s.create_staff_account(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK).id)
    targets = ServiceTargets(timedelta(minutes=30), timedelta(hours=4), timedelta(hours=48), timedelta(days=7))
    plan = s.define_plan(
        admin, PlanTerms("Gold", Money(Decimal("29.99"), Currency.USD), [ProductCategory.TELEVISION], Priority.HIGH, targets, sysops.ServiceHours.AroundTheClock())
    )
    account = s.create_staff_account(admin, "Eve Expert", "eve@sysops.example", StaffRole.EXPERT)
    hours = WeeklyHours("America/Chicago", [WorkWindow(Weekday.MONDAY, time(8), time(18))])
    profile = ExpertProfile("Eve Expert", [Skill(ProductCategory.TELEVISION, 3)], CHICAGO, 50, hours, 5)
    expert = Actor(Role.EXPERT, s.register_expert(admin, account.id, profile).id)
    yield Office(s, admin, helpdesk, expert, plan)
    s.close()


def caller_address() -> Address:
    return Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago")
