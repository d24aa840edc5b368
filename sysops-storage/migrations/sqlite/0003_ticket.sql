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

-- Every ticket command is a change of one event: written in one statement with its index row,
-- like `event_writes`, so the hot path is one autocommit.
CREATE VIEW ticket_writes (
    id, expected, version, state, seq, at, name, event,
    customer, status, expert, priority, category, submitted_at
) AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL;

CREATE TRIGGER ticket_writes_insert INSTEAD OF INSERT ON ticket_writes
BEGIN
    SELECT RAISE(ABORT, 'sysops: version conflict')
    WHERE COALESCE((SELECT version FROM states WHERE kind = 'ticket' AND id = NEW.id), 0) <> NEW.expected;
    INSERT INTO states (kind, id, version, json) VALUES ('ticket', NEW.id, NEW.version, NEW.state)
        ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, json = excluded.json;
    INSERT INTO events (kind, id, seq, at, name, json)
        VALUES ('ticket', NEW.id, NEW.seq, NEW.at, NEW.name, NEW.event);
    INSERT INTO tickets (id, customer, status, expert, priority, category, submitted_at)
        VALUES (NEW.id, NEW.customer, NEW.status, NEW.expert, NEW.priority, NEW.category, NEW.submitted_at)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, expert = excluded.expert;
END;
