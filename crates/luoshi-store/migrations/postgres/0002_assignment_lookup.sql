-- District tables and task filters ask "is this district assigned to this task?" for every task
-- of a plan; without this index the planner walks all of a district's assignments each time.
CREATE INDEX assignments_task_district ON assignments(task_id, district_id);
