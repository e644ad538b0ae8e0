-- The office's part of the annual assessment (全年一考核): review marks (评议分) and bonus and
-- deduction items (加分、减分) per district or unit, each with its reason. Keep in step with
-- migrations/postgres/0006_assessment.sql.
CREATE TABLE assessment_items (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('review', 'bonus', 'deduction')),
    points REAL NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX assessment_items_plan ON assessment_items(plan_id, subject);
