-- A responsible unit's share of a city target, given by the office (目标分解到责任单位): the unit
-- then answers for that share on its form. Months as for district shares (0013). Keep in step
-- with the other backend.
CREATE TABLE target_unit_shares (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    value REAL NOT NULL,
    months_due INTEGER NOT NULL DEFAULT 4095,
    UNIQUE (target_id, unit_id)
);
CREATE INDEX target_unit_shares_unit ON target_unit_shares(unit_id);
