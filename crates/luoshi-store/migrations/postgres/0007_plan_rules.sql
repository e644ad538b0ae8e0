-- Evaluation and assessment rules per plan (DESIGN: "all configurable per plan"). A plan without a
-- row uses the defaults of DESIGN.md. Keep in step with the other backend's 0007_plan_rules.sql.
CREATE TABLE plan_rules (
    plan_id BIGINT PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
    on_pace_gap DOUBLE PRECISION NOT NULL,
    serious_gap DOUBLE PRECISION NOT NULL,
    not_started_serious_after BIGINT NOT NULL,
    about_tolerance DOUBLE PRECISION NOT NULL,
    completion_weight DOUBLE PRECISION NOT NULL,
    discipline_weight DOUBLE PRECISION NOT NULL,
    review_weight DOUBLE PRECISION NOT NULL,
    late_deduction DOUBLE PRECISION NOT NULL,
    missing_deduction DOUBLE PRECISION NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
