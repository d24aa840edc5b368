-- Helpdesk search (sysops-core's `helpdesk` module): tickets by number, customers by their
-- name's folded words, their lower-cased email and the last digits of their phone. The
-- ticket and customer database functions write these rows with the rest of their index
-- rows. Rows stored before this migration are keyed when the library next opens the
-- database (`helpdesk::backfill`), once: `helpdesk_backfill` records that it ran. The keys
-- live in tables of their own, created and indexed here before Citus distributes them:
-- Citus cannot add an index to an already distributed table inside a migration's
-- transaction.
CREATE TABLE ticket_numbers (
    shard  INTEGER NOT NULL,
    number BIGINT NOT NULL,
    ticket UUID NOT NULL,
    PRIMARY KEY (number, ticket, shard)
);

-- Names and words compare by code point ("C"), the order the typed prefix's range assumes.
CREATE TABLE customer_keys (
    shard     INTEGER NOT NULL,
    customer  UUID NOT NULL,
    name_key  TEXT COLLATE "C" NOT NULL,
    email_key TEXT NOT NULL,
    phone     TEXT NOT NULL,
    PRIMARY KEY (customer, shard)
);
CREATE INDEX customer_keys_by_email ON customer_keys (email_key);
-- A phone typed without its country code matches the numbers ending with its digits: every
-- search has at least seven, and this index finds the numbers ending with the last seven.
CREATE INDEX customer_keys_by_phone_tail ON customer_keys (right(phone, 7));

-- Each distinct word of each customer's name, on the customer's shard.
CREATE TABLE customer_words (
    shard    INTEGER NOT NULL,
    word     TEXT COLLATE "C" NOT NULL,
    customer UUID NOT NULL,
    PRIMARY KEY (word, customer, shard)
);
CREATE INDEX customer_words_by_customer ON customer_words (customer, shard, word);

CREATE TABLE helpdesk_backfill (done_at TIMESTAMPTZ NOT NULL);

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
    INSERT INTO tickets (shard, id, customer, status, expert, priority, category, submitted_at)
        VALUES (p_shard, p_id, p_customer, p_status, p_expert, p_priority, p_category, p_submitted_at)
        ON CONFLICT (shard, id) DO UPDATE SET status = excluded.status, expert = excluded.expert;
    IF p_expected = 0 THEN
        INSERT INTO ticket_numbers (shard, number, ticket) VALUES (p_shard, p_number, p_id);
    END IF;
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

-- A customer's index row, search keys and name words: the one-statement write above, the
-- customer storage file's write inside a larger transaction and the backfill all use it.
CREATE FUNCTION sysops_write_customer_index(
    p_shard INTEGER, p_id UUID, p_customer_name TEXT, p_email TEXT, p_phone TEXT, p_name_key TEXT, p_email_key TEXT
) RETURNS VOID LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    v_old TEXT;
BEGIN
    INSERT INTO customers (shard, id, name, email, phone) VALUES (p_shard, p_id, p_customer_name, p_email, p_phone)
        ON CONFLICT (shard, id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone;
    SELECT name_key INTO v_old FROM customer_keys WHERE customer = p_id AND shard = p_shard;
    INSERT INTO customer_keys (shard, customer, name_key, email_key, phone)
        VALUES (p_shard, p_id, p_name_key, p_email_key, p_phone)
        ON CONFLICT (customer, shard) DO UPDATE SET name_key = excluded.name_key, email_key = excluded.email_key,
            phone = excluded.phone;
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
        PERFORM create_distributed_table('ticket_numbers', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('customer_keys', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('customer_words', 'shard', colocate_with => 'events');
        PERFORM create_reference_table('helpdesk_backfill');
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
