-- Each assignment's monthly reports packed into one row (`MM|status|late|target=value,…;…`),
-- rewritten in the same transaction as every report save or review, so that evaluating a year of
-- a province-scale ledger reads one row per assignment instead of one per reported value. Derived
-- data: reports and report_values stay the record. Keep in step with the other backend's
-- 0009_report_series.sql.
CREATE TABLE report_series (
    assignment_id BIGINT PRIMARY KEY REFERENCES assignments(id) ON DELETE CASCADE,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    packed TEXT NOT NULL
);
CREATE INDEX report_series_plan ON report_series(plan_id);

INSERT INTO report_series (assignment_id, plan_id, packed)
SELECT a.id, a.plan_id, string_agg(
    substr(p.key, 6, 2) || '|' || r.status || '|' || r.submitted_late::text || '|' || COALESCE(
        (SELECT string_agg(v.target_id::text || '=' || v.value::text, ',') FROM report_values v WHERE v.report_id = r.id),
        ''),
    ';')
FROM assignments a
JOIN reports r ON r.assignment_id = a.id
JOIN periods p ON p.id = r.period_id AND p.kind = 'month'
GROUP BY a.id, a.plan_id;

-- The structure's version (the newest audit record that is not a report's) read from two ranges.
CREATE INDEX audit_log_entity ON audit_log(entity, id);
