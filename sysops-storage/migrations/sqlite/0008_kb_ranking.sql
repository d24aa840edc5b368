-- Ranking without ranking every match: each ranked term's articles ordered by the term's
-- impact in them (`kb_postings`, read best first by the threshold algorithm), each article's
-- weights (to score the articles read and to take a revision's old entries out), and how many
-- articles rank on each term (`kb_terms`; the empty term counts the ranked articles). Written
-- by the kb storage file with the article's row; articles stored before this migration are
-- ranked when the library next opens the database, once (`kb_rank_backfill` records it).

CREATE TABLE kb_postings (
    term    TEXT NOT NULL,
    impact  INTEGER NOT NULL,
    -- kb_articles.rowid
    article INTEGER NOT NULL,
    PRIMARY KEY (term, impact, article)
) WITHOUT ROWID;

CREATE TABLE kb_weights (
    -- kb_articles.rowid
    article INTEGER PRIMARY KEY,
    weights TEXT NOT NULL
);

CREATE TABLE kb_terms (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE kb_rank_backfill (done_at TEXT NOT NULL);

-- The full-text index again, with prefix indexes: a candidate read from the lists is checked
-- against the whole query, and a prefix (`inst*`) is then one list of the prefix index, not a
-- merge of every word it starts. Retired articles stay out of it, as the triggers keep them.
DROP TABLE kb_fts;
CREATE VIRTUAL TABLE kb_fts USING fts5(
    title, lead, rest,
    content = 'kb_articles', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
INSERT INTO kb_fts (rowid, title, lead, rest) SELECT rowid, title, lead, rest FROM kb_articles WHERE retired = 0;
