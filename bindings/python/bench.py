"""Reading one ticket from Python vs. from Rust, on the same SQLite file, in one run.

    python bindings/python/bench.py [--ops N] [--rounds R] [--json] [--binary PATH]

Sets up a fresh SQLite file through the Python package (an administrator, a helpdesk
agent, a plan, a caller and a ticket), then alternates rounds: N reads of the ticket
through ``sysops.Sysops.ticket`` in this process, and N reads through the Rust facade by
``sysops-bench -- read`` on the same file. It prints the per-call microseconds of each
(median over rounds) and their ratio. Goal: the Python call costs at most 1.5x the Rust one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from datetime import timedelta
from pathlib import Path

import sysops
from sysops import Actor, Address, Contact, Currency, GeoPoint, Money, PlanTerms, Priority, ProductCategory, Role, ServiceTargets, StaffRole

ROOT = Path(__file__).resolve().parents[2]


def set_up(url: str) -> tuple[sysops.Sysops, Actor, sysops.Ticket]:
    s = sysops.Sysops.open(url)
    admin = Actor(Role.ADMINISTRATOR, s.create_staff_account(sysops.system_actor(), "Ada Admin", "ada@sysops.example", StaffRole.ADMINISTRATOR).id)
    helpdesk = Actor(Role.HELPDESK, s.create_staff_account(admin, "Hal Helpdesk", "hal@sysops.example", StaffRole.HELPDESK).id)
    targets = ServiceTargets(timedelta(minutes=30), timedelta(hours=4), timedelta(hours=48), timedelta(days=7))
    plan = s.define_plan(admin, PlanTerms("Gold", Money(Decimal("29.99"), Currency.USD), [ProductCategory.TELEVISION], Priority.HIGH, targets, sysops.ServiceHours.AroundTheClock()))
    caller = s.register_customer(
        helpdesk,
        Contact("Carla Caller", "carla@example.com", "+13125550100"),
        Address("1 Main St", "Chicago", "IL", "60601", GeoPoint(41.88, -87.63), "America/Chicago"),
        plan.id,
    )
    ticket = s.submit_ticket(helpdesk, caller.id, category=ProductCategory.TELEVISION, description="No picture, sound is fine")
    return s, helpdesk, ticket


def python_round(s: sysops.Sysops, actor: Actor, ticket: sysops.Ticket, ops: int) -> float:
    read = s.ticket
    started = time.perf_counter()
    for _ in range(ops):
        read(actor, ticket.id)
    return (time.perf_counter() - started) * 1e6 / ops


def rust_round(binary: Path, url: str, actor: Actor, ticket: sysops.Ticket, ops: int) -> float:
    out = subprocess.run(
        [str(binary), "read", "--db", url, "--ticket", str(ticket.id), "--actor", f"helpdesk:{actor.id}", "--ops", str(ops), "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["per_call_us"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=20_000, help="reads per round and language")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of text")
    parser.add_argument("--binary", type=Path, help="a built sysops-bench (default: build it with cargo --release)")
    args = parser.parse_args()

    binary = args.binary
    if binary is None:
        subprocess.run(["cargo", "build", "--quiet", "--locked", "--release", "--bin", "sysops-bench"], check=True, cwd=ROOT)
        binary = ROOT / "target" / "release" / "sysops-bench"

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{Path(tmp) / 'bench.db'}"
        s, actor, ticket = set_up(url)
        python_round(s, actor, ticket, min(args.ops, 1000))  # warm up
        py, rust = [], []
        for _ in range(args.rounds):
            py.append(python_round(s, actor, ticket, args.ops))
            rust.append(rust_round(binary, url, actor, ticket, args.ops))
        s.close()

    py_us, rust_us = statistics.median(py), statistics.median(rust)
    ratio = py_us / rust_us
    if args.json:
        print(json.dumps({"scenario": "read", "backend": "sqlite", "ops": args.ops, "rounds": args.rounds,
                          "python_us": round(py_us, 2), "rust_us": round(rust_us, 2), "ratio": round(ratio, 3)}))
    else:
        print(f"read one ticket, {args.ops} calls x {args.rounds} rounds (median), SQLite file")
        print(f"  python  {py_us:8.1f} us/call   rounds: {', '.join(f'{x:.1f}' for x in py)}")
        print(f"  rust    {rust_us:8.1f} us/call   rounds: {', '.join(f'{x:.1f}' for x in rust)}")
        print(f"  ratio   {ratio:8.2f}   (goal: at most 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
