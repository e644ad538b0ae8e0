-- Failed sign-ins per (user name as typed, client address): a back-off that an outsider can
-- only hold against their own address, never against the account. Names that are not accounts
-- are counted the same way, so the answers do not tell which names exist.
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locked_until TEXT,
    last_failure TEXT NOT NULL,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_failures_last ON login_failures (last_failure);
