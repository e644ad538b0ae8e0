-- 领导批示 and 圈阅: a leader's instruction on a task, a target, a 督办单 or an item of an issued
-- document, sent to the unit that answers for it (the task's lead unit unless named), which
-- answers (办理情况) by a date; 圈阅 is read with no instruction (no unit, no date, no answer).
-- `task_id` is the task it concerns (NULL only for a whole document read). Keep in step with
-- the other backend.
CREATE TABLE leader_instructions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('task', 'target', 'order', 'document')),
    subject_id INTEGER NOT NULL,
    task_id INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('instruction', 'read')),
    leader TEXT NOT NULL,
    text TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    due_on TEXT,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    written_on TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_by TEXT,
    answered_at TEXT,
    answered_on TEXT,
    CHECK ((kind = 'read') = (unit_id IS NULL))
);
CREATE INDEX leader_instructions_plan ON leader_instructions(plan_id, written_on);
CREATE INDEX leader_instructions_unit ON leader_instructions(unit_id);
CREATE INDEX leader_instructions_task ON leader_instructions(task_id);
