-- Accounts, sessions, the reporting calendar and progress reports (SQLite). Keep in step with
-- migrations/postgres/0003_reporting.sql.

ALTER TABLE plans ADD COLUMN report_due_day INTEGER NOT NULL DEFAULT 25;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('office', 'unit', 'district', 'lead', 'leader')),
    unit_id INTEGER REFERENCES units(id),
    district_id INTEGER REFERENCES districts(id),
    password_hash TEXT NOT NULL,
    -- Set for one-time passwords: the user must choose their own before doing anything else.
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);

-- Browser sessions and API tokens: only a hash of the secret is stored.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('browser', 'api')),
    label TEXT,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE periods (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('month', 'quarter', 'half', 'year')),
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    -- Late entry is allowed through this day when the office reopens a closed period.
    reopened_until TEXT,
    UNIQUE (plan_id, key)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'returned')),
    progress TEXT NOT NULL,
    problems TEXT NOT NULL,
    next_steps TEXT NOT NULL,
    coordination TEXT NOT NULL,
    review_comment TEXT,
    -- Optimistic versioning: every save names the version it started from.
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    submitted_at TEXT,
    submitted_late INTEGER NOT NULL DEFAULT 0,
    reviewed_by TEXT,
    reviewed_at TEXT,
    UNIQUE (period_id, assignment_id)
);
CREATE INDEX reports_assignment ON reports(assignment_id);

CREATE TABLE report_values (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    value REAL NOT NULL,
    note TEXT,
    UNIQUE (report_id, target_id)
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX attachments_report ON attachments(report_id);

-- In-app notices (催报 reminders) to a unit's users.
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period_id INTEGER REFERENCES periods(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notices_unit ON notices(unit_id);
