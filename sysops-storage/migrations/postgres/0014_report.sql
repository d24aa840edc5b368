-- The reports' read models (sysops-core's `report` module), folded from the events by the
-- report projector and rebuilt from them at will: a row per ticket, offer, customer, plan,
-- expert, survey and invoice. Each row but a plan's remembers the last event of its stream it took
-- in (`version`) and is only ever replaced by a later one. Times are Unix seconds; priority is its rank
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
-- What the fold remembers of a ticket beyond what the reports read (JSON: its deadline's
-- terms, its waits on the customer, its current offer), apart from the rows they scan.
CREATE TABLE report_ticket_memos (
    ticket  UUID PRIMARY KEY,
    memo    TEXT NOT NULL,
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
-- Every offer of a ticket to an expert and the visit that followed (times in Unix seconds;
-- outcome pending, accepted, rejected, expired or withdrawn; the distance the assignment job
-- measured, in metres).
CREATE TABLE report_offers (
    assignment  UUID PRIMARY KEY,
    ticket      UUID NOT NULL,
    expert      UUID NOT NULL,
    offered_at  BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    answered_at BIGINT,
    started_at  BIGINT,
    completed_at BIGINT,
    travel_m    BIGINT,
    version     BIGINT NOT NULL
);
CREATE INDEX report_offers_by_offer ON report_offers (offered_at);
CREATE INDEX report_offers_by_completion ON report_offers (completed_at);
CREATE TABLE report_experts (
    expert        UUID PRIMARY KEY,
    name          TEXT NOT NULL,
    weekly_s      BIGINT NOT NULL,
    registered_at BIGINT NOT NULL,
    version       BIGINT NOT NULL
);
-- Every survey issued, with its answer once given (satisfaction 1-5, recommend 0-10).
CREATE TABLE report_surveys (
    survey       UUID PRIMARY KEY,
    expert       UUID NOT NULL,
    satisfaction BIGINT,
    recommend    BIGINT,
    answered_at  BIGINT,
    version      BIGINT NOT NULL
);
CREATE INDEX report_surveys_by_answer ON report_surveys (answered_at);
-- Every invoice (amounts in the currency's minor units; the plan of its last line; the
-- billing month by the Unix second it starts; the refund asked for and not yet confirmed).
CREATE TABLE report_invoices (
    invoice              UUID PRIMARY KEY,
    customer             UUID NOT NULL,
    plan                 UUID NOT NULL,
    period_start         BIGINT NOT NULL,
    currency             TEXT NOT NULL,
    total_minor          BIGINT NOT NULL,
    status               TEXT NOT NULL,
    declined             BIGINT NOT NULL,
    refunded_minor       BIGINT NOT NULL,
    refund_pending       BIGINT,
    refund_pending_minor BIGINT,
    version              BIGINT NOT NULL
);
CREATE INDEX report_invoices_by_period ON report_invoices (period_start);
