"""A load spike from Python: a caller held past the wait limit gets ``BusyError`` in time, having
written nothing, and the store serves the next call at once."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import sysops
from conftest import Office, caller_address
from sysops import Contact


HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


def test_a_held_writer_is_busy_not_a_hang_and_the_store_recovers(office: Office, db_url: str) -> None:
    caller = office.sysops.register_customer(
        office.helpdesk, Contact("Carla Caller", "carla@example.com", "+13125550100"), caller_address(), office.plan.id
    )
    s = sysops.Sysops.open_with(db_url, max_wait_ms=100)
    # Another process holds the write lock until told to let go. (In this process it would not
    # count: two copies of SQLite in one process do not see each other's locks.)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_url.removeprefix("sqlite://")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"

    started = time.monotonic()
    with pytest.raises(sysops.BusyError) as raised:
        s.submit_ticket(office.helpdesk, caller.id, category="television", description="No picture")
    assert time.monotonic() - started < 5, "busy must come within the wait limit, not after a hang"
    assert isinstance(raised.value, sysops.SysopsError)

    holder.communicate("let go\n", timeout=30)
    ticket = s.submit_ticket(office.helpdesk, caller.id, category="television", description="No picture")
    assert [t.id for t in s.tickets(office.helpdesk, customer=caller.id)] == [ticket.id], "the busy call stored nothing"
    s.close()


@pytest.mark.parametrize("bad", [0, 600_001, -1, 2**64])
def test_the_wait_limit_is_from_1_ms_to_10_minutes(db_url: str, bad: int) -> None:
    with pytest.raises(sysops.InvalidInputError) as raised:
        sysops.Sysops.open_with(db_url, max_wait_ms=bad)
    assert raised.value.field == "max_wait_ms"
