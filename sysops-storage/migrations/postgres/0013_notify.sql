-- Notifications (sysops-core's `notify` module): every message the consumer queued, by its
-- idempotency key, on its customer's shard, and what became of it (pending until
-- `next_attempt`, sent, or failed for good); and the templates an administrator saved (the
-- defaults live in the code), one small table every node can read.
CREATE TABLE notifications (
    shard        INTEGER NOT NULL,
    key          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    subject      TEXT,
    body         TEXT NOT NULL,
    customer     UUID NOT NULL,
    ticket       UUID,
    expert       UUID,
    created_at   TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    next_attempt TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,
    error        TEXT,
    PRIMARY KEY (key, shard)
);
-- The consumer's next messages to try: only pending ones are indexed.
CREATE INDEX notifications_due ON notifications (next_attempt) WHERE status = 'pending';
-- A customer's history, and a ticket's (which names its customer).
CREATE INDEX notifications_by_customer ON notifications (customer, shard, created_at);

CREATE TABLE notification_templates (
    kind    TEXT NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT,
    body    TEXT NOT NULL,
    PRIMARY KEY (kind, channel)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('notifications', 'shard', colocate_with => 'events');
        PERFORM create_reference_table('notification_templates');
    END IF;
END
$$;
