-- Event store (schema v2): every change is written by the adapter's shared event-store code
-- (state guarded by its version, then its events) and each domain's storage file writes its
-- own index rows in the same transaction. The v1 write view that listed every domain's
-- columns goes, so adding a domain never edits a shared view.
DROP TRIGGER state_writes_insert;
DROP VIEW state_writes;

-- A change of one event, written in one statement (so one autocommit, one fsync, no explicit
-- transaction): the state guarded by the version it was decided against, then the event.
-- For aggregates without index rows; a domain with index rows may own a view like this one.
CREATE VIEW event_writes (kind, id, expected, version, state, seq, at, name, event)
    AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL;

CREATE TRIGGER event_writes_insert INSTEAD OF INSERT ON event_writes
BEGIN
    SELECT RAISE(ABORT, 'sysops: version conflict')
    WHERE COALESCE((SELECT version FROM states WHERE kind = NEW.kind AND id = NEW.id), 0) <> NEW.expected;
    INSERT INTO states (kind, id, version, json) VALUES (NEW.kind, NEW.id, NEW.version, NEW.state)
        ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, json = excluded.json;
    INSERT INTO events (kind, id, seq, at, name, json) VALUES (NEW.kind, NEW.id, NEW.seq, NEW.at, NEW.name, NEW.event);
END;
