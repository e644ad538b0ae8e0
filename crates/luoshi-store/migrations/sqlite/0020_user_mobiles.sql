-- Liaison officers' mobile numbers (联络员手机), kept beside the users table so that the
-- fingerprints of existing ledgers' users rows stay as they were signed.
CREATE TABLE user_mobiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    mobile TEXT NOT NULL
);
