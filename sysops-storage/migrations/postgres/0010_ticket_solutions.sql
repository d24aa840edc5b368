-- The knowledge-base articles recorded as a ticket's solution (`RecordSolution`), written by
-- the ticket storage file with the ticket's index row, on the ticket's shard; the knowledge
-- base counts them per article.
CREATE TABLE ticket_solutions (
    shard   INTEGER NOT NULL,
    article UUID NOT NULL,
    ticket  UUID NOT NULL,
    PRIMARY KEY (article, ticket, shard)
);
CREATE INDEX ticket_solutions_by_ticket ON ticket_solutions (ticket, shard);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('ticket_solutions', 'shard', colocate_with => 'events');
    END IF;
END
$$;
