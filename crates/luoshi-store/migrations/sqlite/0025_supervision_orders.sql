-- 督办单: follow-up orders the office issues for what lags, is not reported or a leader names, at
-- a level (提示 / 黄色督办 / 红色督办), with what is required and a deadline; numbered per plan and
-- year (督办〔2021〕第 N 号). The unit signs for it, answers with 整改措施 (and evidence), the office
-- closes it (办结) or sends it back; an overdue order is flagged and escalates into a new one.
CREATE TABLE supervision_orders (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('prompt', 'yellow', 'red')),
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('target', 'task')),
    subject_id INTEGER NOT NULL,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period_key TEXT NOT NULL,
    reason TEXT NOT NULL,
    requirement TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('issued', 'signed', 'answered', 'returned', 'closed')),
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    signed_by TEXT,
    signed_at TEXT,
    measures TEXT NOT NULL DEFAULT '',
    evidence_name TEXT,
    evidence_type TEXT,
    evidence BLOB,
    evidence_sha256 TEXT,
    answered_by TEXT,
    answered_at TEXT,
    answered_on TEXT,
    review_comment TEXT NOT NULL DEFAULT '',
    closed_by TEXT,
    closed_at TEXT,
    overdue_on TEXT,
    escalated_from INTEGER REFERENCES supervision_orders(id),
    escalated_to INTEGER REFERENCES supervision_orders(id),
    UNIQUE (plan_id, year, number)
);
CREATE INDEX supervision_orders_unit ON supervision_orders(unit_id, state);
CREATE INDEX supervision_orders_plan ON supervision_orders(plan_id, period_key);

-- Suggestions the office dismissed, so that the month does not suggest them again.
CREATE TABLE supervision_dismissals (
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    period_key TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    level TEXT NOT NULL,
    reason TEXT NOT NULL,
    dismissed_by TEXT NOT NULL,
    dismissed_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, period_key, subject_kind, subject_id, unit_id)
);

-- The plan's 督办 rules (what suggests each level, days to answer, deductions) as JSON; a plan
-- without a row uses the defaults.
CREATE TABLE supervision_rules (
    plan_id INTEGER PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
    rules TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
