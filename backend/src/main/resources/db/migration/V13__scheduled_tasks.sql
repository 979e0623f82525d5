-- Several backend replicas (issue 17). A periodic task runs once across them. The replica whose
-- update moves a task's due time forward runs it; the others find it not due yet.
create table scheduled_task (
  name varchar(64) primary key,
  -- Epoch milliseconds before which nobody runs the task again.
  due_at bigint not null
);
insert into scheduled_task (name, due_at) values ('lease-sweep', 0);

-- The checkpoint's SHA-256: an agent may download it from object storage directly, and checks it.
alter table run add column checkpoint_sha256 varchar(64);

-- An enrollment token may be for several agents (a Kubernetes Deployment's pods share one).
alter table enrollment_token add column uses_left integer not null default 1;

-- Kubernetes mode: an agent started as a Job for one run takes that run and no other.
alter table enrollment_token add column run_id bigint;
alter table agent add column bound_run_id bigint;

-- A dataset archive's SHA-256: agents check it after downloading (from the bucket directly, too).
alter table dataset add column sha256 varchar(64);
