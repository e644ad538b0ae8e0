-- Milestones (节点) of a task without a numeric target, set by the office: by the end of
-- `month`, `text` is done. The last one is the task's deadline unless one is stated. Keep in
-- step with the other backend.
CREATE TABLE task_milestones (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    month INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (task_id, month)
);
