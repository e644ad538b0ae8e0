-- Milestones (节点) set on a target: the fraction of its value due by the end of a month. A target
-- with milestones is paced by them instead of by equal monthly steps. Keep in step with the
-- other backend's 0008_target_milestones.sql.
CREATE TABLE target_milestones (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    month INTEGER NOT NULL,
    fraction REAL NOT NULL,
    UNIQUE (target_id, month)
);
