-- sysops schema v1 (SQLite). Ids are 16-byte UUID blobs, which sort like the UUIDs (v7: by time);
-- times are RFC 3339 UTC text; JSON is the serde form of the core's types.

-- Every event of every aggregate, gap-free per stream.
CREATE TABLE events (
    kind     TEXT    NOT NULL,
    id       BLOB    NOT NULL,
    seq      INTEGER NOT NULL CHECK (seq > 0),
    at       TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    json     TEXT    NOT NULL,
    PRIMARY KEY (kind, id, seq)
) WITHOUT ROWID;

-- The latest state of each aggregate but tickets; `version` guards optimistic concurrency.
CREATE TABLE states (
    kind     TEXT    NOT NULL,
    id       BLOB    NOT NULL,
    version  INTEGER NOT NULL CHECK (version > 0),
    json     TEXT    NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Tickets, the hot aggregate, keep their latest state beside the columns they are queried by:
-- one row (and one page) fewer to write per ticket command.
CREATE TABLE tickets (
    id           BLOB PRIMARY KEY,
    version      INTEGER NOT NULL CHECK (version > 0),
    json         TEXT NOT NULL,
    customer     BLOB NOT NULL,
    status       TEXT NOT NULL,
    expert       BLOB,
    priority     INTEGER NOT NULL,
    category     TEXT NOT NULL,
    submitted_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tickets_by_status ON tickets (status, id);
CREATE INDEX tickets_by_customer ON tickets (customer, id);
CREATE INDEX tickets_by_expert ON tickets (expert, id) WHERE expert IS NOT NULL;

-- Query index of experts and their skills.
CREATE TABLE experts (
    id        BLOB PRIMARY KEY,
    active    INTEGER NOT NULL,
    lat       REAL NOT NULL,
    lon       REAL NOT NULL,
    radius_km INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX experts_by_lat ON experts (lat);
CREATE TABLE expert_skills (
    expert   BLOB NOT NULL,
    category TEXT NOT NULL,
    level    INTEGER NOT NULL,
    PRIMARY KEY (expert, category)
) WITHOUT ROWID;
CREATE INDEX expert_skills_by_category ON expert_skills (category, level);

-- Query index of customers, for helpdesk look-ups.
CREATE TABLE customers (
    id    BLOB PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX customers_by_email ON customers (email);
CREATE INDEX customers_by_phone ON customers (phone);

-- Transactional outbox: the delivery order of events, which stay in `events`. SQLite has one
-- writer at a time, so positions are in commit order. Positions are rowids: never delete the
-- newest row, or its position could be handed out again.
CREATE TABLE outbox (
    position INTEGER PRIMARY KEY,
    kind     TEXT    NOT NULL,
    id       BLOB    NOT NULL,
    seq      INTEGER NOT NULL
);

-- Every event enters the outbox in the statement (and so the transaction) that stores it.
CREATE TRIGGER events_to_outbox AFTER INSERT ON events
BEGIN
    INSERT INTO outbox (kind, id, seq) VALUES (NEW.kind, NEW.id, NEW.seq);
END;

-- Durable consumer cursors.
CREATE TABLE outbox_cursors (
    consumer TEXT PRIMARY KEY,
    position INTEGER NOT NULL
) WITHOUT ROWID;

-- The write of an aggregate's new state, guarded by the version it was decided against, with
-- its index row and (optionally) one event, in one statement: inserting a row into this view
-- is how every change is stored. A change with one event (every ticket command) is therefore
-- a single autocommit statement; further events of a change follow in the same transaction.
CREATE VIEW state_writes (
    kind, id, expected, version, state, seq, at, name, event,
    customer, status, expert, priority, category, submitted_at,
    customer_name, email, phone
) AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL;

CREATE TRIGGER state_writes_insert INSTEAD OF INSERT ON state_writes
BEGIN
    SELECT RAISE(ABORT, 'sysops: version conflict')
    WHERE COALESCE(
        CASE WHEN NEW.kind = 'ticket' THEN (SELECT version FROM tickets WHERE id = NEW.id)
             ELSE (SELECT version FROM states WHERE kind = NEW.kind AND id = NEW.id) END,
        0) <> NEW.expected;
    INSERT INTO states (kind, id, version, json)
        SELECT NEW.kind, NEW.id, NEW.version, NEW.state WHERE NEW.kind <> 'ticket'
        ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, json = excluded.json;
    INSERT INTO tickets (id, version, json, customer, status, expert, priority, category, submitted_at)
        SELECT NEW.id, NEW.version, NEW.state, NEW.customer, NEW.status, NEW.expert, NEW.priority,
               NEW.category, NEW.submitted_at
        WHERE NEW.kind = 'ticket'
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, json = excluded.json,
            status = excluded.status, expert = excluded.expert;
    INSERT INTO events (kind, id, seq, at, name, json)
        SELECT NEW.kind, NEW.id, NEW.seq, NEW.at, NEW.name, NEW.event WHERE NEW.seq IS NOT NULL;
    INSERT INTO customers (id, name, email, phone)
        SELECT NEW.id, NEW.customer_name, NEW.email, NEW.phone
        WHERE NEW.kind = 'customer'
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone;
END;
