-- Evaluation and assessment rules per plan (DESIGN: "all configurable per plan"). A plan without a
-- row uses the defaults of DESIGN.md. Keep in step with the other backend's 0007_plan_rules.sql.
CREATE TABLE plan_rules (
    plan_id INTEGER PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
    on_pace_gap REAL NOT NULL,
    serious_gap REAL NOT NULL,
    not_started_serious_after INTEGER NOT NULL,
    about_tolerance REAL NOT NULL,
    completion_weight REAL NOT NULL,
    discipline_weight REAL NOT NULL,
    review_weight REAL NOT NULL,
    late_deduction REAL NOT NULL,
    missing_deduction REAL NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
