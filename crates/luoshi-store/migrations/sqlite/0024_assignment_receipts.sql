-- 签收 / 异议: each assignment of a published plan is acknowledged by its unit, or objected to
-- with a reason the office answers (kept: the unit acknowledges after all; amended: the office
-- changed the assignment). No row: 待签收. The history of every step is in the audit log.
CREATE TABLE assignment_receipts (
    assignment_id INTEGER PRIMARY KEY REFERENCES assignments(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('acknowledged', 'objected', 'kept', 'amended')),
    reason TEXT NOT NULL DEFAULT '',
    by_actor TEXT NOT NULL,
    at TEXT NOT NULL,
    reply TEXT NOT NULL DEFAULT '',
    replied_by TEXT,
    replied_at TEXT
);
CREATE INDEX assignment_receipts_state ON assignment_receipts(state);
