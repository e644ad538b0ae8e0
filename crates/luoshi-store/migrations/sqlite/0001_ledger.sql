-- The ledger (SQLite). Keep in step with migrations/postgres/0001_ledger.sql: same tables,
-- columns and meaning; only the dialect differs. Integers are 64-bit, flags are 0/1 integers,
-- times are ISO-8601 text, so one set of queries serves both databases.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
);

CREATE TABLE unit_aliases (
    alias TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id)
);

CREATE TABLE districts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    grp TEXT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    zone TEXT
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    title TEXT,
    plan_title TEXT,
    issuer TEXT,
    doc_number TEXT,
    index_no TEXT,
    date_written TEXT,
    date_published TEXT,
    year INTEGER,
    source_name TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_at TEXT NOT NULL,
    published_at TEXT,
    draft_json TEXT NOT NULL
);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    level INTEGER NOT NULL,
    line INTEGER NOT NULL
);
CREATE INDEX sections_plan ON sections(plan_id, ord);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    text TEXT NOT NULL,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    max_value REAL,
    unit TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    aspirational INTEGER NOT NULL,
    line INTEGER NOT NULL
);
CREATE INDEX indicators_plan ON indicators(plan_id, ord);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    path TEXT NOT NULL,
    section_path TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    annotation TEXT,
    annotation_present INTEGER NOT NULL,
    deadline TEXT,
    line INTEGER NOT NULL,
    -- The scope note in force for district-wide names (含开发区管委会), from the plan.
    district_scope TEXT,
    UNIQUE (plan_id, path)
);
CREATE INDEX tasks_plan ON tasks(plan_id, ord);

-- Units as the draft names them, per task and role; publishing resolves them to assignments.
CREATE TABLE task_units (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('lead', 'responsible')),
    printed TEXT NOT NULL
);
CREATE INDEX task_units_task ON task_units(task_id, ord);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    text TEXT NOT NULL,
    value REAL NOT NULL,
    max_value REAL,
    unit TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    aspirational INTEGER NOT NULL,
    per_each TEXT,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    span_start INTEGER,
    span_end INTEGER
);
CREATE INDEX targets_task ON targets(task_id, ord);

CREATE TABLE focuses (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    district_name TEXT NOT NULL,
    district_id INTEGER REFERENCES districts(id),
    grp TEXT,
    items TEXT NOT NULL
);
CREATE INDEX focuses_task ON focuses(task_id);
CREATE INDEX focuses_district ON focuses(district_id);

CREATE TABLE mechanisms (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    detail TEXT
);

CREATE TABLE review_items (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    task_id INTEGER REFERENCES tasks(id) ON DELETE CASCADE,
    path TEXT,
    line INTEGER,
    field TEXT NOT NULL,
    reason TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0,
    resolution TEXT
);
CREATE INDEX review_items_plan ON review_items(plan_id);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'responsible')),
    printed TEXT NOT NULL,
    district_id INTEGER REFERENCES districts(id),
    UNIQUE (task_id, unit_id, role)
);
CREATE INDEX assignments_plan_unit ON assignments(plan_id, unit_id);
CREATE INDEX assignments_district ON assignments(district_id, plan_id);

CREATE TABLE target_shares (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    value REAL NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('per_each', 'manual')),
    UNIQUE (target_id, district_id)
);
CREATE INDEX target_shares_district ON target_shares(district_id);

CREATE TABLE district_rows (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    district_id INTEGER NOT NULL REFERENCES districts(id),
    task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    value REAL,
    unit TEXT,
    deadline TEXT,
    note TEXT
);
CREATE INDEX district_rows_plan ON district_rows(plan_id, district_id);

CREATE TABLE amendments (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    description TEXT NOT NULL
);

-- Append-only; each row's hash covers its fields and the previous row's hash.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
