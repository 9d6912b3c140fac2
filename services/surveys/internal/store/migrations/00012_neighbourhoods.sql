-- +goose Up
-- The closed list of neighbourhoods panel members may name, per
-- municipality. It is the operator's file (-neighbourhoods), copied here
-- at every start (SyncNeighbourhoods), so that SQL can tell the values on
-- it from text a resident once typed, and clean the latter away: panel
-- members, invitations and breakdowns name a neighbourhood by its code.
CREATE TABLE neighbourhoods (
    code         text PRIMARY KEY,
    municipality text NOT NULL,
    name         text NOT NULL
);

CREATE INDEX neighbourhoods_municipality ON neighbourhoods (municipality);

-- Age bands were a closed list for panel members already, but not for the
-- invitations that copy them, nor for the breakdowns counted from those.
-- Nothing else can be in either, short of a change by hand; whatever is,
-- goes.
UPDATE invitations SET age_band = NULL
WHERE age_band IS NOT NULL AND age_band NOT IN ('0-17', '18-26', '27-40', '41-65', '66-75', '76+');
ALTER TABLE invitations
    ADD CONSTRAINT invitations_age_band CHECK (age_band IN ('0-17', '18-26', '27-40', '41-65', '66-75', '76+'));
DELETE FROM tally_breakdowns
WHERE attribute = 'age_band' AND value NOT IN ('0-17', '18-26', '27-40', '41-65', '66-75', '76+');

-- +goose Down
ALTER TABLE invitations DROP CONSTRAINT invitations_age_band;
DROP TABLE neighbourhoods;
