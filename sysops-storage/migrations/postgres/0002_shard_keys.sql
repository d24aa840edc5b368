-- v2: every row carries its owner's shard key, and every primary key contains it, so the same
-- schema runs on one PostgreSQL server and distributed over Citus (sharded by customer).
--
-- The shard key of an id is its last 16 bits (`ShardKey::of` in sysops-core); an aggregate
-- owned by another is minted with its owner's key, so a ticket carries its customer's. Rows of
-- an aggregate's stream (state, events, pending outbox rows) and its index rows carry the key of
-- the aggregate's id. Rows written before v2 get the key of their own id, which keeps every
-- look-up by id on one shard; only tickets minted from v2 on share their customer's shard.

ALTER TABLE events ADD COLUMN shard INTEGER;
UPDATE events SET shard = ('x' || right(id::text, 4))::bit(16)::int;
ALTER TABLE events ALTER COLUMN shard SET NOT NULL,
    DROP CONSTRAINT events_pkey, ADD PRIMARY KEY (shard, kind, id, seq);

ALTER TABLE states ADD COLUMN shard INTEGER;
UPDATE states SET shard = ('x' || right(id::text, 4))::bit(16)::int;
ALTER TABLE states ALTER COLUMN shard SET NOT NULL,
    DROP CONSTRAINT states_pkey, ADD PRIMARY KEY (shard, kind, id);

ALTER TABLE tickets ADD COLUMN shard INTEGER;
UPDATE tickets SET shard = ('x' || right(id::text, 4))::bit(16)::int;
ALTER TABLE tickets ALTER COLUMN shard SET NOT NULL,
    DROP CONSTRAINT tickets_pkey, ADD PRIMARY KEY (shard, id);

ALTER TABLE experts ADD COLUMN shard INTEGER;
UPDATE experts SET shard = ('x' || right(id::text, 4))::bit(16)::int;
ALTER TABLE experts ALTER COLUMN shard SET NOT NULL,
    DROP CONSTRAINT experts_pkey, ADD PRIMARY KEY (shard, id);

ALTER TABLE expert_skills ADD COLUMN shard INTEGER;
UPDATE expert_skills SET shard = ('x' || right(expert::text, 4))::bit(16)::int;
ALTER TABLE expert_skills ALTER COLUMN shard SET NOT NULL,
    DROP CONSTRAINT expert_skills_pkey, ADD PRIMARY KEY (shard, expert, category);

ALTER TABLE customers ADD COLUMN shard INTEGER;
UPDATE customers SET shard = ('x' || right(id::text, 4))::bit(16)::int;
ALTER TABLE customers ALTER COLUMN shard SET NOT NULL,
    DROP CONSTRAINT customers_pkey, ADD PRIMARY KEY (shard, id);

-- The outbox in two parts. Writers append to `outbox`, on their own shard, in the statement
-- that stores the event: rows waiting to be relayed. The relay step of `poll` moves committed
-- rows into `outbox_log`, numbering them while it holds the `outbox_relay` row, so positions
-- in the log become visible strictly in increasing order even when the rows were committed on
-- different nodes in any order: a row committed late is simply relayed by a later step.
CREATE TABLE outbox_log (
    position BIGINT  PRIMARY KEY,
    shard    INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    agg_id   UUID    NOT NULL,
    seq      BIGINT  NOT NULL
);
INSERT INTO outbox_log (position, shard, kind, agg_id, seq)
    SELECT position, ('x' || right(agg_id::text, 4))::bit(16)::int, kind, agg_id, seq
    FROM outbox WHERE position IS NOT NULL;
DELETE FROM outbox WHERE position IS NOT NULL;
DROP INDEX outbox_unnumbered;
ALTER TABLE outbox DROP COLUMN position, ADD COLUMN shard INTEGER;
UPDATE outbox SET shard = ('x' || right(agg_id::text, 4))::bit(16)::int;
ALTER TABLE outbox ALTER COLUMN shard SET NOT NULL,
    DROP CONSTRAINT outbox_pkey, ADD PRIMARY KEY (shard, id);

-- Assignment jobs take turns holding this row (on Citus, a lock on one shard).
CREATE TABLE assignment_turn (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton)
);
INSERT INTO assignment_turn (singleton) VALUES (TRUE);

-- On Citus, distribute: the per-owner tables by shard key, co-located, so one owner's rows
-- of every table sit on one node and its statements are routed to one shard; the outbox log,
-- its relay row, the consumers' cursors and the assignment turn each live on a single shard.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('events', 'shard');
        PERFORM create_distributed_table('states', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('outbox', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('tickets', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('customers', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('experts', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('expert_skills', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('outbox_log', NULL, colocate_with => 'none');
        PERFORM create_distributed_table('outbox_relay', NULL, colocate_with => 'outbox_log');
        PERFORM create_distributed_table('outbox_cursors', NULL, colocate_with => 'outbox_log');
        PERFORM create_distributed_table('assignment_turn', NULL, colocate_with => 'outbox_log');
    END IF;
END
$$;
