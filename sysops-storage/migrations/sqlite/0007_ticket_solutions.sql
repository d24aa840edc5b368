-- The knowledge-base articles recorded as a ticket's solution (`RecordSolution`), written by
-- the ticket storage file with the ticket's index row; the knowledge base counts them per
-- article.
CREATE TABLE ticket_solutions (
    article BLOB NOT NULL,
    ticket  BLOB NOT NULL,
    PRIMARY KEY (article, ticket)
) WITHOUT ROWID;
CREATE INDEX ticket_solutions_by_ticket ON ticket_solutions (ticket);
