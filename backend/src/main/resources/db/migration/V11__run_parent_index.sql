-- The advisor reads a run's family (its children and its ancestors' children) after every epoch,
-- and the autopilot's story walks a series down: both look runs up by parent.
create index run_parent_idx on run(parent_id);
