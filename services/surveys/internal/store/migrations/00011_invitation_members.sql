-- +goose Up
-- An invitation names a member of its own municipality's panel, or nobody
-- (an invitation handed out on paper). Until now only the API checked the
-- panel member an invitation named, and it did not check it at all: a
-- council could link its poll's invitation to another municipality's
-- panel member, or to an id of nobody, and then remind them by mail. The
-- service now refuses that (store.checkInvitees); this makes the database
-- refuse it too, whatever code writes the row.
--
-- Links made before that are cut, not deleted: the invitation, whether it
-- was used and its token stay as they were (its token was only ever shown
-- to the staff who made it); it just no longer names the member, so no
-- reminder reaches them and their data export no longer lists the poll.
UPDATE invitations i SET panel_member_id = NULL
WHERE panel_member_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM panel_members m WHERE m.id = i.panel_member_id AND m.municipality = i.municipality);

ALTER TABLE panel_members ADD CONSTRAINT panel_members_id_municipality UNIQUE (id, municipality);

-- Erasing a member finds their invitations through invitations_panel_member
-- (00004), for the foreign key's action as for ErasePanelMember's unlinking.
ALTER TABLE invitations ADD CONSTRAINT invitations_panel_member_fkey
    FOREIGN KEY (panel_member_id, municipality) REFERENCES panel_members (id, municipality)
    ON DELETE SET NULL (panel_member_id);

-- +goose Down
ALTER TABLE invitations DROP CONSTRAINT invitations_panel_member_fkey;
ALTER TABLE panel_members DROP CONSTRAINT panel_members_id_municipality;
