-- Helpdesk search (sysops-core's `helpdesk` module): tickets by number, customers by their
-- name's folded words, their lower-cased email and the last digits of their phone. The
-- ticket and customer storage files write these columns with the rest of their index rows;
-- rows stored before this migration get them when the library next opens the database
-- (`helpdesk::backfill`), which finds them by the NULLs.
ALTER TABLE tickets ADD COLUMN number INTEGER;
CREATE INDEX tickets_by_number ON tickets (number);

ALTER TABLE customers ADD COLUMN name_key TEXT;
ALTER TABLE customers ADD COLUMN email_key TEXT;
CREATE INDEX customers_by_email_key ON customers (email_key);
-- A phone typed without its country code matches the numbers ending with its digits: every
-- search has at least seven, and this index finds the numbers ending with the last seven.
CREATE INDEX customers_by_phone_tail ON customers (substr(phone, -7));
CREATE INDEX customers_unindexed ON customers (id) WHERE name_key IS NULL;

-- Each distinct word of each customer's name: a typed word finds the names with a word
-- that starts with it by a range of this key.
CREATE TABLE customer_words (
    word     TEXT NOT NULL,
    customer BLOB NOT NULL,
    PRIMARY KEY (word, customer)
) WITHOUT ROWID;
CREATE INDEX customer_words_by_customer ON customer_words (customer);

-- The ticket hot path's view writes the number too.
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
    INSERT INTO tickets (id, customer, status, expert, priority, category, submitted_at, number)
        VALUES (NEW.id, NEW.customer, NEW.status, NEW.expert, NEW.priority, NEW.category, NEW.submitted_at,
                NEW.number)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, expert = excluded.expert;
END;
