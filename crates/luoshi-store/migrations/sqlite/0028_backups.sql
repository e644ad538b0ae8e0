-- Every backup taken (by hand, on schedule, or before a migration), with its verification:
-- the copy opened, passed the integrity check and its audit chain verified, or why not.
CREATE TABLE backups (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'migration')),
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    audit_records INTEGER,
    verified INTEGER NOT NULL,
    problem TEXT,
    taken_by TEXT NOT NULL
);
CREATE INDEX backups_started ON backups(started_at);
