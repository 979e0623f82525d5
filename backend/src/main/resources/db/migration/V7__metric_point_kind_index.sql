-- A run's epoch points (the advisor, the compare page, the last epoch's values) and its sampled step
-- points are read by kind: an index range instead of a scan of every point of the run.
create index metric_point_run_kind_seq on metric_point(run_id, kind, seq);
