-- Billing (the billing quantum, ADR-4): the index rows of subscriptions and invoices, and the
-- card vault. These tables may live in a database of their own (`Sysops::open`'s billing URL).

CREATE TABLE subscriptions (
    id       BLOB PRIMARY KEY,
    customer BLOB NOT NULL,
    active   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE invoices (
    id              BLOB PRIMARY KEY,
    customer        BLOB NOT NULL,
    period          TEXT NOT NULL,
    status          TEXT NOT NULL,
    -- When the next charge is due, while one is.
    next_attempt_at TEXT,
    -- 1 while a charge or refund awaits the gateway's answer.
    pending         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX invoices_by_customer ON invoices (customer, id);
-- The billing run's work: unpaid invoices due, and calls awaiting their answer.
CREATE INDEX invoices_due ON invoices (next_attempt_at, id) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX invoices_pending ON invoices (id) WHERE pending = 1;

-- Card numbers, encrypted (AES-256-GCM, the token as associated data) under the key named by
-- `key_id`; nothing else about a card is stored here.
CREATE TABLE card_vault (
    token      BLOB PRIMARY KEY,
    customer   BLOB NOT NULL,
    key_id     TEXT NOT NULL,
    nonce      BLOB NOT NULL,
    ciphertext BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX card_vault_by_key ON card_vault (key_id, token);
