-- Tasks without a numeric target: the lead unit's monthly confirmation in its report
-- (on_plan / done / behind, with a reason when not on plan), and the office's 销号 (closing a
-- task as done, with a note and evidence) and its reopening, kept as history. Keep in step with
-- the other backend.
ALTER TABLE reports ADD COLUMN task_status TEXT;
ALTER TABLE reports ADD COLUMN status_reason TEXT;
CREATE TABLE task_closures (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    closed_on TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    note TEXT NOT NULL,
    evidence_name TEXT,
    evidence_type TEXT,
    evidence BLOB,
    evidence_sha256 TEXT,
    reopened_on TEXT,
    reopened_at TEXT,
    reopened_by TEXT,
    reopen_note TEXT
);
CREATE INDEX task_closures_task ON task_closures(task_id, id);
