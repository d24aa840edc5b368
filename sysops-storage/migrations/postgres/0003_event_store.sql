-- The hot path as a function: a change of one event (the state guarded by its version, the
-- event, its pending outbox row) in one call, so a command needs one round trip. Returns 1, or
-- 0 when the state was not at the expected version (a conflict); a second writer of the same
-- sequence hits the events' primary key. Every row written carries the stream's shard key, so
-- on Citus the call is delegated to the worker holding that shard and runs there as one local
-- transaction (`create_distributed_function`, below). A domain with index rows writes them in
-- a function of its own that calls this one (see `0004_ticket.sql`).
CREATE FUNCTION sysops_write_event(
    p_kind TEXT, p_id UUID, p_version BIGINT, p_state TEXT, p_expected BIGINT,
    p_seq BIGINT, p_at TIMESTAMPTZ, p_name TEXT, p_event TEXT, p_shard INTEGER
) RETURNS BIGINT LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF p_expected = 0 THEN
        INSERT INTO states (shard, kind, id, version, json) VALUES (p_shard, p_kind, p_id, p_version, p_state)
            ON CONFLICT (shard, kind, id) DO NOTHING;
    ELSE
        UPDATE states SET version = p_version, json = p_state
            WHERE shard = p_shard AND kind = p_kind AND id = p_id AND version = p_expected;
    END IF;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    INSERT INTO events (shard, kind, id, seq, at, name, json) VALUES (p_shard, p_kind, p_id, p_seq, p_at, p_name, p_event);
    INSERT INTO outbox (shard, kind, agg_id, seq) VALUES (p_shard, p_kind, p_id, p_seq);
    RETURN 1;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_function(
            'sysops_write_event(text, uuid, bigint, text, bigint, bigint, timestamptz, text, text, integer)',
            'p_shard', colocate_with => 'events');
    END IF;
END
$$;
