-- The reports that carry a lead's word on a task without a number are few; the snapshot reads
-- them by this partial index instead of scanning every report of the plan. Keep in step with
-- the other backend.
CREATE INDEX reports_confirmed ON reports(period_id) WHERE task_status IS NOT NULL;
