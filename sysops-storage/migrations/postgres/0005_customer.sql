-- A customer's change of one event with its `customers` index row, in one call (see
-- `sysops_write_event` in 0003_event_store.sql).
CREATE FUNCTION sysops_write_customer(
    p_kind TEXT, p_id UUID, p_version BIGINT, p_state TEXT, p_expected BIGINT,
    p_seq BIGINT, p_at TIMESTAMPTZ, p_name TEXT, p_event TEXT, p_shard INTEGER,
    p_customer_name TEXT, p_email TEXT, p_phone TEXT
) RETURNS BIGINT LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF sysops_write_event(p_kind, p_id, p_version, p_state, p_expected, p_seq, p_at, p_name, p_event, p_shard) = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO customers (shard, id, name, email, phone) VALUES (p_shard, p_id, p_customer_name, p_email, p_phone)
        ON CONFLICT (shard, id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone;
    RETURN 1;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_function(
            'sysops_write_customer(text, uuid, bigint, text, bigint, bigint, timestamptz, text, text, integer,
                                   text, text, text)',
            'p_shard', colocate_with => 'events');
    END IF;
END
$$;
