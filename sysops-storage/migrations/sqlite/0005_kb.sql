-- The knowledge base: each article's current revision, searched through an FTS5 index kept
-- in step by triggers (retired articles leave it), its categories and tags for filters, and
-- the vocabulary the typo fallback corrects against (each word's deletion keys).

CREATE TABLE kb_articles (
    -- The FTS5 index refers to articles by this rowid.
    rowid    INTEGER PRIMARY KEY,
    id       BLOB NOT NULL UNIQUE,
    revision INTEGER NOT NULL,
    title    TEXT NOT NULL,
    body     TEXT NOT NULL,
    retired  INTEGER NOT NULL,
    -- The body as two columns of the index: its lead, which snippets are cut from (so that a
    -- snippet costs the same for a 300 kB manual as for a short note), and the rest.
    lead     TEXT GENERATED ALWAYS AS (substr(body, 1, 4000)) VIRTUAL,
    rest     TEXT GENERATED ALWAYS AS (substr(body, 4001)) VIRTUAL
);

CREATE TABLE kb_article_categories (
    article  INTEGER NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (category, article)
) WITHOUT ROWID;
CREATE INDEX kb_article_categories_by_article ON kb_article_categories (article);

CREATE TABLE kb_article_tags (
    article INTEGER NOT NULL,
    tag     TEXT NOT NULL,
    PRIMARY KEY (tag, article)
) WITHOUT ROWID;
CREATE INDEX kb_article_tags_by_article ON kb_article_tags (article);

-- English stemming (porter), any script, accents folded: "Printers" finds "printer".
CREATE VIRTUAL TABLE kb_fts USING fts5(
    title, lead, rest,
    content = 'kb_articles', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER kb_articles_indexed AFTER INSERT ON kb_articles WHEN new.retired = 0 BEGIN
    INSERT INTO kb_fts (rowid, title, lead, rest) VALUES (new.rowid, new.title, new.lead, new.rest);
END;

CREATE TRIGGER kb_articles_reindexed AFTER UPDATE ON kb_articles BEGIN
    INSERT INTO kb_fts (kb_fts, rowid, title, lead, rest)
        SELECT 'delete', old.rowid, old.title, old.lead, old.rest WHERE old.retired = 0;
    INSERT INTO kb_fts (rowid, title, lead, rest)
        SELECT new.rowid, new.title, new.lead, new.rest WHERE new.retired = 0;
END;

-- Every word articles used, with how many revisions used it.
CREATE TABLE kb_words (
    word TEXT PRIMARY KEY,
    uses INTEGER NOT NULL
) WITHOUT ROWID;

-- The word and each of its one-character deletions: a misspelling shares one with the word.
CREATE TABLE kb_word_keys (
    key  TEXT NOT NULL,
    word TEXT NOT NULL,
    PRIMARY KEY (key, word)
) WITHOUT ROWID;
