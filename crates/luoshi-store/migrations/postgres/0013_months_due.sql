-- When each part of a published plan is in force, month by month: bit m-1 of `months_due` set
-- means month m is due (reported, paced, counted in reporting discipline). Publishing sets the
-- months from the plan's reporting start; an amendment sets or clears them from its effective
-- month on, so a month already past is never re-evaluated. Ledgers published before this
-- migration keep every month due, as they were evaluated. Keep in step with the other backend.
ALTER TABLE plans ADD COLUMN reporting_start BIGINT;
ALTER TABLE assignments ADD COLUMN months_due BIGINT NOT NULL DEFAULT 4095;
ALTER TABLE targets ADD COLUMN months_due BIGINT NOT NULL DEFAULT 4095;
ALTER TABLE target_shares ADD COLUMN months_due BIGINT NOT NULL DEFAULT 4095;
ALTER TABLE amendments ADD COLUMN effective_month BIGINT;
