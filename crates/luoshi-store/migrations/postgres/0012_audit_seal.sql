-- The audit log's seal: each record's place in the chain (1, 2, …) and its signature (HMAC keyed
-- by a secret outside the database; NULL where no key was configured when it was written).
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN mac TEXT;
UPDATE audit_log SET seq = numbered.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM audit_log) AS numbered
WHERE audit_log.id = numbered.id;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
