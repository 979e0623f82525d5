-- Issue 3: the final model's per-class evaluation, and a note on how a successful run ended
-- (e.g. stopped early, T15). Portable between H2 and PostgreSQL.
alter table run add column evaluation varchar(1000000);
alter table run add column note varchar(2000);
