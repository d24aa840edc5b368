-- Phrases without re-reading every article holding their words. GIN keeps no word positions,
-- so `"paper jam"` was checked by re-reading the vector of every article holding both words:
-- thousands for two common words that seldom stand together. `kb_pairs` holds, for each
-- article not retired, the hashes of the lexeme pairs standing next to each other in its
-- `search` vector (`kb_adjacent_pairs`), under a GIN index: a phrase's matches hold every
-- adjacent pair of the phrase's own vector, so those articles are its candidates, and only
-- they are re-read. Derived by PostgreSQL from the vector it matches (stop words, stemming,
-- positions and all), never recomputed by sysops, so no match can be missing from the
-- candidates; a hash collision only adds a candidate the match then rejects. `hashtext` is
-- the hash PostgreSQL keeps stable across versions for hash indexes and partitions.
--
-- On the article's shard, written by the kb storage file with the article's row. New table,
-- filled from the articles already stored and indexed before it is distributed (see
-- README.md).

CREATE FUNCTION kb_adjacent_pairs(v TSVECTOR) RETURNS INT4[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT hashtext(l.lexeme || ' ' || r.lexeme)), '{}')
    FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) l
    JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) r ON r.pos = l.pos + 1
$$;

CREATE TABLE kb_pairs (
    shard   INTEGER NOT NULL,
    article UUID NOT NULL,
    pairs   INT4[] NOT NULL,
    PRIMARY KEY (article, shard)
);
CREATE INDEX kb_pairs_pairs ON kb_pairs USING gin (pairs) WITH (fastupdate = off);

INSERT INTO kb_pairs (shard, article, pairs)
SELECT shard, id, kb_adjacent_pairs(search) FROM kb_articles WHERE NOT retired;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('kb_pairs', 'shard', colocate_with => 'events');
        PERFORM truncate_local_data_after_distributing_table('kb_pairs');
    END IF;
END
$$;
