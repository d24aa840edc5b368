-- The reports' read models (sysops-core's `report` module), folded from the events by the
-- report projector and rebuilt from them at will: a row per ticket, customer and plan. Each
-- ticket and customer row remembers the last event of its stream it took in (`version`) and
-- is only ever replaced by a later one. Times are Unix seconds; priority is its rank
-- (0 standard, 1 high, 2 critical).
CREATE TABLE report_tickets (
    ticket              BLOB PRIMARY KEY,
    customer            BLOB NOT NULL,
    plan                BLOB NOT NULL,
    category            TEXT NOT NULL,
    priority            INTEGER NOT NULL,
    status              TEXT NOT NULL,
    submitted_at        INTEGER NOT NULL,
    respond_by          INTEGER,
    completions         INTEGER NOT NULL,
    reopened            INTEGER NOT NULL,
    response_breaches   INTEGER NOT NULL,
    resolution_breaches INTEGER NOT NULL,
    version             INTEGER NOT NULL
) WITHOUT ROWID;
-- The reports read a period's tickets.
CREATE INDEX report_tickets_by_submission ON report_tickets (submitted_at);
-- What the fold needs to count a ticket's deadline again (JSON), apart from the rows the
-- reports scan.
CREATE TABLE report_ticket_clocks (
    ticket  BLOB PRIMARY KEY,
    clock   TEXT NOT NULL,
    version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE report_customers (
    customer BLOB PRIMARY KEY,
    region   TEXT NOT NULL,
    plan     BLOB NOT NULL,
    version  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE report_plans (
    plan BLOB PRIMARY KEY,
    name TEXT NOT NULL
) WITHOUT ROWID;
