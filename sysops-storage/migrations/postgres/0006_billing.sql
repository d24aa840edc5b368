-- Billing (the billing quantum, ADR-4): the index rows of subscriptions and invoices, and the
-- card vault, each row on its customer's shard. These tables may live in a database of their
-- own (`Sysops::open`'s billing URL).

CREATE TABLE subscriptions (
    shard    INTEGER NOT NULL,
    id       UUID NOT NULL,
    customer UUID NOT NULL,
    active   BOOLEAN NOT NULL,
    PRIMARY KEY (shard, id)
);

CREATE TABLE invoices (
    shard           INTEGER NOT NULL,
    id              UUID NOT NULL,
    customer        UUID NOT NULL,
    period          TEXT NOT NULL,
    status          TEXT NOT NULL,
    -- When the next charge is due, while one is.
    next_attempt_at TIMESTAMPTZ,
    -- A charge or refund awaits the gateway's answer.
    pending         BOOLEAN NOT NULL,
    PRIMARY KEY (shard, id)
);
CREATE INDEX invoices_by_customer ON invoices (customer, id);
-- The billing run's work: unpaid invoices due, and calls awaiting their answer.
CREATE INDEX invoices_due ON invoices (next_attempt_at, id) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX invoices_pending ON invoices (id) WHERE pending;

-- Card numbers, encrypted (AES-256-GCM, the token as associated data) under the key named by
-- `key_id`; nothing else about a card is stored here.
CREATE TABLE card_vault (
    shard      INTEGER NOT NULL,
    token      UUID NOT NULL,
    customer   UUID NOT NULL,
    key_id     TEXT NOT NULL,
    nonce      BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    PRIMARY KEY (shard, token)
);
CREATE INDEX card_vault_by_key ON card_vault (key_id, token);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('subscriptions', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('invoices', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('card_vault', 'shard', colocate_with => 'events');
    END IF;
END
$$;
