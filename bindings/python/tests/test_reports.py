"""A manager's notebook: the ticketing, expert and financial reports as pandas and polars
DataFrames with the right dtypes, and as CSV; the read models kept in an analytics database
of their own; customers and experts may not read them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import sysops
from conftest import START
from sysops import Actor, Currency, Money, ProductCategory, Role, StaffRole
from test_billing import open_office


def project_all(s: sysops.Sysops) -> None:
    while s.project_reports(sysops.system_actor()).events > 0:
        pass


def busy_month(tmp_path: Path) -> tuple[sysops.Sysops, Actor, Actor]:
    """A month of tickets and billing, its reports kept in an analytics database of their own:
    the manager, and the customer."""
    url, analytics = (f"sqlite://{tmp_path / name}" for name in ("sysops.db", "analytics.db"))
    s, admin, me = open_office(url, analytics_url=analytics)
    manager = Actor(Role.MANAGER, s.create_staff_account(admin, "Meg Manager", "meg@sysops.example", StaffRole.MANAGER).id)
    for n in range(3):
        s.submit_ticket(me, me.id, category=ProductCategory.TELEVISION, description=f"No picture {n}")
        s.advance_clock(timedelta(hours=1))
    s.advance_clock(timedelta(days=30))
    s.run_billing(sysops.system_actor(), "2026-03", sysops.SimulatedGateway())
    return s, manager, me


def test_a_manager_reads_each_report_into_pandas_with_the_right_dtypes(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    s, manager, me = busy_month(tmp_path)
    stale = s.ticketing_report(manager)
    assert stale.rows == [] and stale.behind_since is not None, "nothing folded in yet, and it says so"
    project_all(s)

    tickets = s.ticketing_report(manager)
    assert tickets.behind_since is None
    [row] = tickets.rows
    assert (row.region, row.plan_name, row.category, row.submitted, row.open) == ("IL", "Gold", ProductCategory.TELEVISION, 3, 3)
    assert row.open_age_max_s is not None and row.open_age_max_s >= 30 * 24 * 3600
    frame: Any = tickets.to_pandas()
    assert list(frame.columns)[:5] == ["region", "plan", "plan_name", "category", "priority"]
    assert str(frame["region"].dtype) == "category" and str(frame["priority"].dtype) == "category"
    assert str(frame["submitted"].dtype) == "Int64" and int(frame["submitted"][0]) == 3
    assert str(frame["first_time_fix_rate"].dtype) == "Float64" and frame["first_time_fix_rate"].isna()[0]

    money = s.financial_report(manager)
    [month] = money.rows
    assert (month.period, month.invoices) == ("2026-03", 1)
    assert month.collected == Money(Decimal("30.00"), Currency.USD) == month.invoiced
    frame = money.to_pandas()
    assert frame["collected"][0] == Decimal("30.00") and isinstance(frame["collected"][0], Decimal)
    assert str(frame["currency"].dtype) == "category" and frame["currency"][0] == "USD"

    experts = s.expert_report(manager, start=START, end=START + timedelta(days=60))
    frame = experts.to_pandas()
    assert len(frame) == len(experts.rows)
    assert str(frame["registered_at"].dtype) == "datetime64[ns, UTC]" or str(frame["registered_at"].dtype).endswith(", UTC]")
    s.close()


def test_a_manager_reads_each_report_into_polars_with_the_right_dtypes(tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    s, manager, _ = busy_month(tmp_path)
    project_all(s)
    tickets: Any = s.ticketing_report(manager).to_polars()
    assert tickets.schema["region"] == pl.Categorical and tickets.schema["submitted"] == pl.Int64
    assert tickets["submitted"].to_list() == [3]
    money: Any = s.financial_report(manager).to_polars()
    assert isinstance(money.schema["invoiced"], pl.Decimal)
    assert money["invoiced"].to_list() == [Decimal("30.00")]
    s.close()


def test_each_report_writes_csv_with_a_header_of_its_columns(tmp_path: Path) -> None:
    s, manager, _ = busy_month(tmp_path)
    project_all(s)
    report = s.financial_report(manager)
    text = report.to_csv()
    assert text == report.csv
    rows = list(csv.DictReader(io.StringIO(text or "")))
    assert [(r["period"], r["invoiced"], r["currency"]) for r in rows] == [("2026-03", "30.00", "USD")]
    path = tmp_path / "financial.csv"
    assert report.to_csv(path) is None
    assert path.read_bytes() == report.csv.encode()
    s.close()


def test_customers_and_experts_may_not_read_reports(tmp_path: Path) -> None:
    s, manager, me = busy_month(tmp_path)
    with pytest.raises(sysops.ForbiddenError):
        s.ticketing_report(me)
    with pytest.raises(sysops.ForbiddenError):
        s.project_reports(manager)
    with pytest.raises(sysops.InvalidInputError):
        s.ticketing_report(manager, start=START, end=START)
    with pytest.raises(sysops.InvalidInputError):
        s.project_reports(sysops.system_actor(), 0)
    s.close()


def test_importing_sysops_needs_neither_pandas_nor_polars() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['pandas'] = None; sys.modules['polars'] = None\n"
        "import sysops\n"
        "from sysops import _frames\n"
        "try:\n    _frames.to_pandas({}, {})\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "needs the pandas package" in out and "pip install pandas" in out
