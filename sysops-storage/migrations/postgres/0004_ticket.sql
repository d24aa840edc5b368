-- A ticket's change of one event with its `tickets` index row, in one call (see
-- `sysops_write_event` in 0003_event_store.sql).
CREATE FUNCTION sysops_write_ticket(
    p_kind TEXT, p_id UUID, p_version BIGINT, p_state TEXT, p_expected BIGINT,
    p_seq BIGINT, p_at TIMESTAMPTZ, p_name TEXT, p_event TEXT, p_shard INTEGER,
    p_customer UUID, p_status TEXT, p_expert UUID, p_priority SMALLINT, p_category TEXT, p_submitted_at TIMESTAMPTZ
) RETURNS BIGINT LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF sysops_write_event(p_kind, p_id, p_version, p_state, p_expected, p_seq, p_at, p_name, p_event, p_shard) = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO tickets (shard, id, customer, status, expert, priority, category, submitted_at)
        VALUES (p_shard, p_id, p_customer, p_status, p_expert, p_priority, p_category, p_submitted_at)
        ON CONFLICT (shard, id) DO UPDATE SET status = excluded.status, expert = excluded.expert;
    RETURN 1;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_function(
            'sysops_write_ticket(text, uuid, bigint, text, bigint, bigint, timestamptz, text, text, integer,
                                 uuid, text, uuid, smallint, text, timestamptz)',
            'p_shard', colocate_with => 'events');
    END IF;
END
$$;
