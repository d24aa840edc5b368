-- The reports' read models (sysops-core's `report` module), folded from the events by the
-- report projector and rebuilt from them at will: a row per ticket, offer, customer, plan,
-- expert, survey and invoice. Each row but a plan's remembers the last event of its stream it took
-- in (`version`) and is only ever replaced by a later one. Times are Unix seconds; priority is its rank
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
-- What the fold remembers of a ticket beyond what the reports read (JSON: its deadline's
-- terms, its waits on the customer, its current offer), apart from the rows they scan.
CREATE TABLE report_ticket_memos (
    ticket  BLOB PRIMARY KEY,
    memo    TEXT NOT NULL,
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
-- Every offer of a ticket to an expert and the visit that followed (times in Unix seconds;
-- outcome pending, accepted, rejected, expired or withdrawn; the distance the assignment job
-- measured, in metres).
CREATE TABLE report_offers (
    assignment  BLOB PRIMARY KEY,
    ticket      BLOB NOT NULL,
    expert      BLOB NOT NULL,
    offered_at  INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    answered_at INTEGER,
    started_at  INTEGER,
    completed_at INTEGER,
    travel_m    INTEGER,
    version     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX report_offers_by_offer ON report_offers (offered_at);
CREATE INDEX report_offers_by_completion ON report_offers (completed_at);
CREATE TABLE report_experts (
    expert        BLOB PRIMARY KEY,
    name          TEXT NOT NULL,
    weekly_s      INTEGER NOT NULL,
    registered_at INTEGER NOT NULL,
    version       INTEGER NOT NULL
) WITHOUT ROWID;
-- Every survey issued, with its answer once given (satisfaction 1-5, recommend 0-10).
CREATE TABLE report_surveys (
    survey       BLOB PRIMARY KEY,
    expert       BLOB NOT NULL,
    satisfaction INTEGER,
    recommend    INTEGER,
    answered_at  INTEGER,
    version      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX report_surveys_by_answer ON report_surveys (answered_at);
-- Every invoice (amounts in the currency's minor units; the plan of its last line; the
-- billing month by the Unix second it starts; the refund asked for and not yet confirmed).
CREATE TABLE report_invoices (
    invoice              BLOB PRIMARY KEY,
    customer             BLOB NOT NULL,
    plan                 BLOB NOT NULL,
    period_start         INTEGER NOT NULL,
    currency             TEXT NOT NULL,
    total_minor          INTEGER NOT NULL,
    status               TEXT NOT NULL,
    declined             INTEGER NOT NULL,
    refunded_minor       INTEGER NOT NULL,
    refund_pending       INTEGER,
    refund_pending_minor INTEGER,
    version              INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX report_invoices_by_period ON report_invoices (period_start);
