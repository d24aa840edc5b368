-- sysops schema v1 (PostgreSQL). Kept to what distributed PostgreSQL engines accept:
-- no advisory locks, no triggers, no LISTEN/NOTIFY; every table has a primary key.

-- Every event of every aggregate, gap-free per stream. A concurrent writer of the same
-- sequence hits the primary key, which the adapter reports as an optimistic-lock conflict.
CREATE TABLE events (
    kind     TEXT        NOT NULL,
    id       UUID        NOT NULL,
    seq      BIGINT      NOT NULL CHECK (seq > 0),
    at       TIMESTAMPTZ NOT NULL,
    name     TEXT        NOT NULL,
    json     TEXT        NOT NULL,
    PRIMARY KEY (kind, id, seq)
);

-- The latest state of each aggregate; `version` guards optimistic concurrency.
CREATE TABLE states (
    kind     TEXT   NOT NULL,
    id       UUID   NOT NULL,
    version  BIGINT NOT NULL CHECK (version > 0),
    json     TEXT   NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE tickets (
    id           UUID PRIMARY KEY,
    customer     UUID NOT NULL,
    status       TEXT NOT NULL,
    expert       UUID,
    priority     SMALLINT NOT NULL,
    category     TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tickets_by_status ON tickets (status, id);
CREATE INDEX tickets_by_customer ON tickets (customer, id);
CREATE INDEX tickets_by_expert ON tickets (expert, id) WHERE expert IS NOT NULL;

CREATE TABLE experts (
    id        UUID PRIMARY KEY,
    active    BOOLEAN NOT NULL,
    lat       DOUBLE PRECISION NOT NULL,
    lon       DOUBLE PRECISION NOT NULL,
    radius_km INTEGER NOT NULL
);
CREATE INDEX experts_by_lat ON experts (lat);
CREATE TABLE expert_skills (
    expert   UUID NOT NULL,
    category TEXT NOT NULL,
    level    SMALLINT NOT NULL,
    PRIMARY KEY (expert, category)
);
CREATE INDEX expert_skills_by_category ON expert_skills (category, level);

CREATE TABLE customers (
    id    UUID PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL
);
CREATE INDEX customers_by_email ON customers (email);
CREATE INDEX customers_by_phone ON customers (phone);

-- Transactional outbox: the delivery order of events, which stay in `events`.
-- Writers insert rows without a position: sequence values become
-- visible out of commit order on PostgreSQL, so a cursor over them could skip a row whose
-- transaction commits late. Positions are instead handed out by the relay step of `poll`,
-- which numbers only committed rows while holding the single `outbox_relay` row lock, so
-- positions are visible strictly in increasing order.
CREATE TABLE outbox (
    id       BIGSERIAL PRIMARY KEY,
    position BIGINT UNIQUE,
    kind     TEXT   NOT NULL,
    agg_id   UUID   NOT NULL,
    seq      BIGINT NOT NULL
);
CREATE INDEX outbox_unnumbered ON outbox (id) WHERE position IS NULL;

CREATE TABLE outbox_relay (
    singleton     BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    last_position BIGINT  NOT NULL
);
INSERT INTO outbox_relay (singleton, last_position) VALUES (TRUE, 0);

CREATE TABLE outbox_cursors (
    consumer TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
