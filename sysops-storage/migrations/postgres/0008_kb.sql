-- The knowledge base: each article's current revision on the article's shard, matched through
-- a weighted tsvector (title A, body B; English stemming and stop words) under a GIN index that
-- holds only articles not retired, ranked by a smaller one of the title and the body's lead, and the vocabulary the typo fallback corrects against. A
-- vocabulary row lives on its word's shard (a hash of the word that sysops computes), and a
-- deletion key on the shard of the word it leads to, so the join of the two stays on one shard.

CREATE TABLE kb_articles (
    shard      INTEGER NOT NULL,
    id         UUID NOT NULL,
    revision   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    categories TEXT[] NOT NULL,
    tags       TEXT[] NOT NULL,
    retired    BOOLEAN NOT NULL,
    -- What is matched: the title and the whole body.
    search     TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    ) STORED,
    -- What is ranked: the title and the body's lead. Ranking reads the vector of every match,
    -- and the whole body's can be a megabyte: a common word would read them all.
    ranked     TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', left(body, 4000)), 'B')
    ) STORED,
    PRIMARY KEY (id, shard)
);
-- Without GIN's pending list (fastupdate): a search never scans a list of recent inserts, which
-- after a bulk import made the planner prefer reading every article.
CREATE INDEX kb_articles_search ON kb_articles USING gin (search) WITH (fastupdate = off) WHERE NOT retired;

CREATE TABLE kb_words (
    shard INTEGER NOT NULL,
    word  TEXT NOT NULL,
    uses  BIGINT NOT NULL,
    PRIMARY KEY (word, shard)
);

CREATE TABLE kb_word_keys (
    shard INTEGER NOT NULL,
    key   TEXT NOT NULL,
    word  TEXT NOT NULL,
    PRIMARY KEY (key, word, shard)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('kb_articles', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('kb_words', 'shard', colocate_with => 'events');
        PERFORM create_distributed_table('kb_word_keys', 'shard', colocate_with => 'events');
    END IF;
END
$$;
