-- Event store (schema v2): every change is written by the adapter's shared event-store code
-- (state guarded by its version, then its events) and each domain's storage file writes its
-- own index rows in the same transaction. The v1 write view that listed every domain's
-- columns goes, so adding a domain never edits a shared view.
DROP TRIGGER state_writes_insert;
DROP VIEW state_writes;
