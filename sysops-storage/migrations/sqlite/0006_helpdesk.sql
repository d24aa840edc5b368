-- Helpdesk search (sysops-core's `helpdesk` module): tickets by number, customers by their
-- name's folded words, their lower-cased email and the last digits of their phone. The
-- ticket and customer storage files write these rows with the rest of their index rows.
-- Rows stored before this migration are keyed when the library next opens the database
-- (`helpdesk::backfill`), once: `helpdesk_backfill` records that it ran. (The same tables
-- as on PostgreSQL, where Citus cannot add an index to a distributed table inside a
-- migration's transaction, so the keys live in tables of their own.)
CREATE TABLE ticket_numbers (
    number INTEGER NOT NULL,
    ticket BLOB NOT NULL,
    PRIMARY KEY (number, ticket)
) WITHOUT ROWID;

CREATE TABLE customer_keys (
    customer BLOB PRIMARY KEY,
    name_key TEXT NOT NULL,
    email_key TEXT NOT NULL,
    phone TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX customer_keys_by_email ON customer_keys (email_key);
-- A phone typed without its country code matches the numbers ending with its digits: every
-- search has at least seven, and this index finds the numbers ending with the last seven.
CREATE INDEX customer_keys_by_phone_tail ON customer_keys (substr(phone, -7));

-- Each distinct word of each customer's name: a typed word finds the names with a word
-- that starts with it by a range of this key.
CREATE TABLE customer_words (
    word     TEXT NOT NULL,
    customer BLOB NOT NULL,
    PRIMARY KEY (word, customer)
) WITHOUT ROWID;
-- (Its entries hold the key after the customer: a candidate's own words by range.)
CREATE INDEX customer_words_by_customer ON customer_words (customer);

CREATE TABLE helpdesk_backfill (done_at TEXT NOT NULL);

-- The ticket hot path's view numbers a new ticket.
DROP TRIGGER ticket_writes_insert;
DROP VIEW ticket_writes;
CREATE VIEW ticket_writes (
    id, expected, version, state, seq, at, name, event,
    customer, status, expert, priority, category, submitted_at, number
) AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL;

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
    INSERT INTO ticket_numbers (number, ticket) SELECT NEW.number, NEW.id WHERE NEW.expected = 0;
END;
