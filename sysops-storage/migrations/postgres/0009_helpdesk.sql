-- Helpdesk search (sysops-core's `helpdesk` module): tickets by number, customers by their
-- name's folded words, their lower-cased email and the last digits of their phone. The
-- ticket and customer database functions write these columns with the rest of their index
-- rows; rows stored before this migration get them when the library next opens the database
-- (`helpdesk::backfill`), which finds them by the NULLs.
ALTER TABLE tickets ADD COLUMN number BIGINT;
CREATE INDEX tickets_by_number ON tickets (number);

-- Names and words compare by code point ("C"), the order the typed prefix's range assumes.
ALTER TABLE customers ADD COLUMN name_key TEXT COLLATE "C", ADD COLUMN email_key TEXT;
CREATE INDEX customers_by_email_key ON customers (email_key);
-- A phone typed without its country code matches the numbers ending with its digits: every
-- search has at least seven, and this index finds the numbers ending with the last seven.
CREATE INDEX customers_by_phone_tail ON customers (right(phone, 7));
CREATE INDEX customers_unindexed ON customers (id) WHERE name_key IS NULL;

-- Each distinct word of each customer's name, on the customer's shard.
CREATE TABLE customer_words (
    shard    INTEGER NOT NULL,
    word     TEXT COLLATE "C" NOT NULL,
    customer UUID NOT NULL,
    PRIMARY KEY (word, customer, shard)
);
CREATE INDEX customer_words_by_customer ON customer_words (customer, shard);

DROP FUNCTION sysops_write_ticket(text, uuid, bigint, text, bigint, bigint, timestamptz, text, text, integer,
                                  uuid, text, uuid, smallint, text, timestamptz);
CREATE FUNCTION sysops_write_ticket(
    p_kind TEXT, p_id UUID, p_version BIGINT, p_state TEXT, p_expected BIGINT,
    p_seq BIGINT, p_at TIMESTAMPTZ, p_name TEXT, p_event TEXT, p_shard INTEGER,
    p_customer UUID, p_status TEXT, p_expert UUID, p_priority SMALLINT, p_category TEXT, p_submitted_at TIMESTAMPTZ,
    p_number BIGINT
) RETURNS BIGINT LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF sysops_write_event(p_kind, p_id, p_version, p_state, p_expected, p_seq, p_at, p_name, p_event, p_shard) = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO tickets (shard, id, customer, status, expert, priority, category, submitted_at, number)
        VALUES (p_shard, p_id, p_customer, p_status, p_expert, p_priority, p_category, p_submitted_at, p_number)
        ON CONFLICT (shard, id) DO UPDATE SET status = excluded.status, expert = excluded.expert;
    RETURN 1;
END
$$;

DROP FUNCTION sysops_write_customer(text, uuid, bigint, text, bigint, bigint, timestamptz, text, text, integer,
                                    text, text, text);
CREATE FUNCTION sysops_write_customer(
    p_kind TEXT, p_id UUID, p_version BIGINT, p_state TEXT, p_expected BIGINT,
    p_seq BIGINT, p_at TIMESTAMPTZ, p_name TEXT, p_event TEXT, p_shard INTEGER,
    p_customer_name TEXT, p_email TEXT, p_phone TEXT, p_name_key TEXT, p_email_key TEXT
) RETURNS BIGINT LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF sysops_write_event(p_kind, p_id, p_version, p_state, p_expected, p_seq, p_at, p_name, p_event, p_shard) = 0 THEN
        RETURN 0;
    END IF;
    PERFORM sysops_write_customer_index(p_shard, p_id, p_customer_name, p_email, p_phone, p_name_key, p_email_key);
    RETURN 1;
END
$$;

-- The index row and name words of a customer: the one-statement write above and the
-- customer storage file's write inside a larger transaction both use it.
CREATE FUNCTION sysops_write_customer_index(
    p_shard INTEGER, p_id UUID, p_customer_name TEXT, p_email TEXT, p_phone TEXT, p_name_key TEXT, p_email_key TEXT
) RETURNS VOID LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    v_old TEXT;
BEGIN
    SELECT name_key INTO v_old FROM customers WHERE id = p_id AND shard = p_shard;
    INSERT INTO customers (shard, id, name, email, phone, name_key, email_key)
        VALUES (p_shard, p_id, p_customer_name, p_email, p_phone, p_name_key, p_email_key)
        ON CONFLICT (id, shard) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
            name_key = excluded.name_key, email_key = excluded.email_key;
    IF v_old IS DISTINCT FROM p_name_key THEN
        DELETE FROM customer_words WHERE customer = p_id AND shard = p_shard;
        INSERT INTO customer_words (shard, word, customer)
            SELECT DISTINCT p_shard, w, p_id FROM unnest(string_to_array(p_name_key, ' ')) AS w WHERE w <> '';
    END IF;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('customer_words', 'shard', colocate_with => 'events');
        PERFORM create_distributed_function(
            'sysops_write_ticket(text, uuid, bigint, text, bigint, bigint, timestamptz, text, text, integer,
                                 uuid, text, uuid, smallint, text, timestamptz, bigint)',
            'p_shard', colocate_with => 'events');
        PERFORM create_distributed_function(
            'sysops_write_customer(text, uuid, bigint, text, bigint, bigint, timestamptz, text, text, integer,
                                   text, text, text, text, text)',
            'p_shard', colocate_with => 'events');
        PERFORM create_distributed_function(
            'sysops_write_customer_index(integer, uuid, text, text, text, text, text)',
            'p_shard', colocate_with => 'events');
    END IF;
END
$$;
