-- Where a headline indicator's (主要目标) monthly figures come from: `auto` (the task target that
-- states the same number, found when read), `target` (a target the office chose) or `entered`
-- (figures the office enters, e.g. from the statistics bureau). Keep in step with the other
-- backend's 0010_indicator_sources.sql.
ALTER TABLE indicators ADD COLUMN source TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE indicators ADD COLUMN target_id INTEGER REFERENCES targets(id) ON DELETE SET NULL;

CREATE TABLE indicator_values (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    month INTEGER NOT NULL,
    value REAL NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    UNIQUE (indicator_id, month)
);
