-- A suggestion's explanation as a message key and arguments (JSON), so each reader gets it in
-- their language; rows from before keep their English explanation only.
alter table suggestion add column explanation_text varchar(4000);
