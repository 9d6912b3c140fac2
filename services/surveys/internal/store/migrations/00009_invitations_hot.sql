-- +goose Up
-- Marking an invitation used (once per answer, on the busiest path) was an
-- update that wrote a new entry into each of the table's five indexes: the
-- partial index of unused invitations names used_on in its predicate, so
-- PostgreSQL could never update in place (a HOT update). Reminders, a rare
-- staff action, now read a poll's invitations through invitations_member
-- instead, and pages keep room for the updated rows, so that the update
-- touches the table page only (docs/benchmarks.md).
DROP INDEX invitations_poll_unused;
ALTER TABLE invitations SET (fillfactor = 80);

-- +goose Down
ALTER TABLE invitations RESET (fillfactor);
CREATE INDEX invitations_poll_unused ON invitations (poll_id) WHERE used_on IS NULL AND reminded_at IS NULL;
