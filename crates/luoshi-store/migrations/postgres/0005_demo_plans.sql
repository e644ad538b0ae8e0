-- Plans filled with simulated reports (luoshi serve --demo) are marked, so that every page and
-- export says 演示数据 and they are never taken for real data.
ALTER TABLE plans ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;
