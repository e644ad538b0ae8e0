-- Documents the office issued (印发): the bulletin, summary, review or assessment of a period as
-- rendered that day, never changed afterwards. Numbered per plan and kind (第 N 期); a correction
-- (更正) is a new issue naming the one it corrects. `figures` is what the document states, line
-- by line (JSON), to tell what changed since; `sha256` covers the three files and is written to
-- the audit log. Keep in step with the other backend.
CREATE TABLE issued_documents (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('month', 'quarter', 'half', 'year')),
    period_key TEXT NOT NULL,
    number INTEGER NOT NULL,
    corrects INTEGER REFERENCES issued_documents(id),
    reason TEXT,
    issued_on TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    title TEXT NOT NULL,
    docx BLOB NOT NULL,
    xlsx BLOB NOT NULL,
    html TEXT NOT NULL,
    figures TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    UNIQUE (plan_id, kind, number)
);
CREATE INDEX issued_documents_period ON issued_documents(plan_id, period_key, id);
