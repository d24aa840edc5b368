"""The expert's day, the scenario Rust and Kotlin also run (tests/scenario/README.md)."""

from __future__ import annotations

import expert_day


def test_the_expert_day_ends_in_the_expected_state(db_url: str) -> None:
    lines = expert_day.run(db_url)
    statuses = [line.split()[2] for line in lines[:3]]
    assert statuses == ["COMPLETED", "ACCEPTED", "ASSIGNED"]
    assert ":rejected," in lines[1] and lines[1].endswith(":accepted"), lines[1]
    assert ":expired," in lines[2] and lines[2].endswith(":pending"), lines[2]
    assert lines[3].split()[2] == "TicketSubmitted,TicketAssigned,AssignmentAccepted,WorkStarted,WorkCompleted"
