-- The directory (单位名录) as the office keeps it in the browser: every saved version, the
-- latest in force. Resolution reads it at start and after every save.
CREATE TABLE directory_versions (
    id INTEGER PRIMARY KEY,
    toml TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL
);
