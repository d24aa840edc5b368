-- The reports' read models laid out for the reports that scan them (a million tickets in a few
-- seconds, ADR-7). Each ticket row carries its customer's region, kept current by the projector
-- when the customer moves, and the rows are stored in the order the ticketing report groups
-- them: a scan of the table meets each group's tickets together and in submission order, so
-- neither the grouping nor the age percentiles sort anything. Offers are stored by expert, for
-- the same reason. Lookups by id go through a unique index. No report reads a period through an
-- index any longer: a scan in group order beats a million look-ups from an index in time order.
CREATE TABLE report_tickets_by_group (
    region              TEXT NOT NULL,
    plan                BLOB NOT NULL,
    category            TEXT NOT NULL,
    priority            INTEGER NOT NULL,
    submitted_at        INTEGER NOT NULL,
    ticket              BLOB NOT NULL,
    customer            BLOB NOT NULL,
    status              TEXT NOT NULL,
    respond_by          INTEGER,
    completions         INTEGER NOT NULL,
    reopened            INTEGER NOT NULL,
    response_breaches   INTEGER NOT NULL,
    resolution_breaches INTEGER NOT NULL,
    version             INTEGER NOT NULL,
    PRIMARY KEY (region, plan, category, priority, submitted_at, ticket)
) WITHOUT ROWID;
INSERT INTO report_tickets_by_group
SELECT COALESCE(c.region, ''), t.plan, t.category, t.priority, t.submitted_at, t.ticket, t.customer, t.status,
       t.respond_by, t.completions, t.reopened, t.response_breaches, t.resolution_breaches, t.version
FROM report_tickets t LEFT JOIN report_customers c ON c.customer = t.customer;
DROP TABLE report_tickets;
ALTER TABLE report_tickets_by_group RENAME TO report_tickets;
CREATE UNIQUE INDEX report_tickets_by_id ON report_tickets (ticket);
-- A customer who moves takes their tickets' region along.
CREATE INDEX report_tickets_by_customer ON report_tickets (customer);

CREATE TABLE report_offers_by_expert (
    expert       BLOB NOT NULL,
    offered_at   INTEGER NOT NULL,
    assignment   BLOB NOT NULL,
    ticket       BLOB NOT NULL,
    outcome      TEXT NOT NULL,
    answered_at  INTEGER,
    started_at   INTEGER,
    completed_at INTEGER,
    travel_m     INTEGER,
    version      INTEGER NOT NULL,
    PRIMARY KEY (expert, offered_at, assignment)
) WITHOUT ROWID;
INSERT INTO report_offers_by_expert
SELECT expert, offered_at, assignment, ticket, outcome, answered_at, started_at, completed_at, travel_m, version
FROM report_offers;
DROP TABLE report_offers;
ALTER TABLE report_offers_by_expert RENAME TO report_offers;
CREATE UNIQUE INDEX report_offers_by_id ON report_offers (assignment);
