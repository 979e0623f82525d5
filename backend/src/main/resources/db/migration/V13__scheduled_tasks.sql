-- Several backend replicas (issue 17): a periodic task runs once across them. The replica whose
-- update moves a task's due time forward runs it; the others find it not due yet.
create table scheduled_task (
  name varchar(64) primary key,
  -- Epoch milliseconds before which nobody runs the task again.
  due_at bigint not null
);
insert into scheduled_task (name, due_at) values ('lease-sweep', 0);
