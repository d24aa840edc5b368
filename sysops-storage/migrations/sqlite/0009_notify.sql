-- Notifications (sysops-core's `notify` module): every message the consumer queued, by its
-- idempotency key, and what became of it (pending until `next_attempt`, sent, or failed for
-- good); and the templates an administrator saved (the defaults live in the code).
CREATE TABLE notifications (
    key          TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    subject      TEXT,
    body         TEXT NOT NULL,
    customer     BLOB NOT NULL,
    ticket       BLOB,
    expert       BLOB,
    created_at   TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    finished_at  TEXT,
    error        TEXT
) WITHOUT ROWID;
-- The consumer's next messages to try: only pending ones are indexed.
CREATE INDEX notifications_due ON notifications (next_attempt, key) WHERE status = 'pending';
-- A customer's history, and a ticket's (which names its customer).
CREATE INDEX notifications_by_customer ON notifications (customer, created_at);

CREATE TABLE notification_templates (
    kind    TEXT NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT,
    body    TEXT NOT NULL,
    PRIMARY KEY (kind, channel)
) WITHOUT ROWID;
