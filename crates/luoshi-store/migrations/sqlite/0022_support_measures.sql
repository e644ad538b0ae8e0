-- 政策支持: what a task gives beneficiaries (amounts, rates, durations), as the plan prints it.
-- Tracked for 政策兑现, never evaluated or asked for in a report.
CREATE TABLE support_measures (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    text TEXT NOT NULL,
    value REAL NOT NULL,
    max_value REAL,
    unit TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('funding', 'rate', 'duration', 'quota')),
    purpose TEXT NOT NULL
);
CREATE INDEX support_measures_task ON support_measures(task_id, ord);

-- The year a headline goal is for (`到2025年…`), when the plan prints one.
ALTER TABLE indicators ADD COLUMN goal_year INTEGER;
