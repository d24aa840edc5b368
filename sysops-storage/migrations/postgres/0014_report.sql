-- The reports' read models (sysops-core's `report` module), folded from the events by the
-- report projector and rebuilt from them at will: a row per ticket, customer and plan. Each
-- ticket and customer row remembers the last event of its stream it took in (`version`) and
-- is only ever replaced by a later one. Times are Unix seconds; priority is its rank
-- (0 standard, 1 high, 2 critical). On Citus they stay plain tables on the coordinator: the
-- reports aggregate across every customer, and the shards keep serving tickets meanwhile.
CREATE TABLE report_tickets (
    ticket              UUID PRIMARY KEY,
    customer            UUID NOT NULL,
    plan                UUID NOT NULL,
    category            TEXT NOT NULL,
    priority            BIGINT NOT NULL,
    status              TEXT NOT NULL,
    submitted_at        BIGINT NOT NULL,
    respond_by          BIGINT,
    completions         BIGINT NOT NULL,
    reopened            BIGINT NOT NULL,
    response_breaches   BIGINT NOT NULL,
    resolution_breaches BIGINT NOT NULL,
    version             BIGINT NOT NULL
);
-- The reports read a period's tickets.
CREATE INDEX report_tickets_by_submission ON report_tickets (submitted_at);
-- What the fold needs to count a ticket's deadline again (JSON), apart from the rows the
-- reports scan.
CREATE TABLE report_ticket_clocks (
    ticket  UUID PRIMARY KEY,
    clock   TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE TABLE report_customers (
    customer UUID PRIMARY KEY,
    region   TEXT NOT NULL,
    plan     UUID NOT NULL,
    version  BIGINT NOT NULL
);
CREATE TABLE report_plans (
    plan UUID PRIMARY KEY,
    name TEXT NOT NULL
);
