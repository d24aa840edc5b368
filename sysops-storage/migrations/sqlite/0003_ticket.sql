-- Tickets (schema v2): a ticket's state moves to the shared `states` table like every other
-- aggregate's; `tickets` keeps only the columns tickets are listed by, which the ticket
-- storage file writes.
INSERT INTO states (kind, id, version, json) SELECT 'ticket', id, version, json FROM tickets;

CREATE TABLE ticket_index (
    id           BLOB PRIMARY KEY,
    customer     BLOB NOT NULL,
    status       TEXT NOT NULL,
    expert       BLOB,
    priority     INTEGER NOT NULL,
    category     TEXT NOT NULL,
    submitted_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO ticket_index (id, customer, status, expert, priority, category, submitted_at)
    SELECT id, customer, status, expert, priority, category, submitted_at FROM tickets;
DROP TABLE tickets;
ALTER TABLE ticket_index RENAME TO tickets;
CREATE INDEX tickets_by_status ON tickets (status, id);
CREATE INDEX tickets_by_customer ON tickets (customer, id);
CREATE INDEX tickets_by_expert ON tickets (expert, id) WHERE expert IS NOT NULL;
