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

-- The latest state of each aggregate; `version` guards optimistic concurrency.
CREATE TABLE states (
    kind     TEXT    NOT NULL,
    id       BLOB    NOT NULL,
    version  INTEGER NOT NULL CHECK (version > 0),
    json     TEXT    NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Query index of tickets.
CREATE TABLE tickets (
    id           BLOB PRIMARY KEY,
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

-- Transactional outbox. SQLite has one writer at a time, so positions are in commit order.
CREATE TABLE outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT    NOT NULL,
    id       BLOB    NOT NULL,
    seq      INTEGER NOT NULL,
    at       TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    json     TEXT    NOT NULL
);

-- Durable consumer cursors.
CREATE TABLE outbox_cursors (
    consumer TEXT PRIMARY KEY,
    position INTEGER NOT NULL
) WITHOUT ROWID;
