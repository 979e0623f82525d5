-- What the autopilot did, as a message key and arguments (JSON), so each reader gets it in their
-- language; rows from before keep their English note only.
alter table run add column autopilot_note_text varchar(4000);
