-- +goose Up
-- Room for a page's invitations to be marked used in place. A panel is
-- invited in one go, so its invitations fill pages in order, and residents
-- answering at a poll's opening mark neighbouring rows used within the same
-- few batches; at fillfactor 80 a page had room for a fifth of its rows'
-- new versions, so 40 % of the updates under the load tool still wrote a
-- new entry into the table's indexes (pg_stat_user_tables: 11,923 of
-- 20,000 HOT). Half a page of room makes nearly all of them HOT, for twice
-- the table's size: tens of megabytes at the largest panels
-- (docs/benchmarks.md).
ALTER TABLE invitations SET (fillfactor = 50);

-- +goose Down
ALTER TABLE invitations SET (fillfactor = 80);
