-- Ranking without ranking every match: each ranked term's articles ordered by the term's
-- impact in them (`kb_postings`, read best first by the threshold algorithm; on the term's
-- shard, a hash of the term sysops computes, so one term's list is read from one shard), each
-- article's weights (to score the articles read and to take a revision's old entries out; on
-- the article's shard), and how many articles rank on each term (`kb_terms`; the empty term
-- counts the ranked articles; byte order, so a prefix is a range). Written by the kb storage
-- file with the article's row; articles stored before this migration are ranked when the
-- library next opens the database, once (`kb_rank_backfill` records it). New tables, indexed
-- before they are distributed (see README.md).

CREATE TABLE kb_postings (
    shard   INTEGER NOT NULL,
    term    TEXT NOT NULL,
    impact  SMALLINT NOT NULL,
    article UUID NOT NULL,
    PRIMARY KEY (term, impact, article, shard)
);

CREATE TABLE kb_weights (
    shard   INTEGER NOT NULL,
    article UUID NOT NULL,
    weights TEXT NOT NULL,
    PRIMARY KEY (article, shard)
);

CREATE TABLE kb_terms (
    shard INTEGER NOT NULL,
    term  TEXT COLLATE "C" NOT NULL,
    docs  BIGINT NOT NULL,
    PRIMARY KEY (term, shard)
);

CREATE TABLE kb_rank_backfill (done_at TIMESTAMPTZ NOT NULL);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('kb_postings', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('kb_weights', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('kb_terms', 'shard', colocate_with => 'events');
        PERFORM create_reference_table('kb_rank_backfill');
    END IF;
END
$$;
