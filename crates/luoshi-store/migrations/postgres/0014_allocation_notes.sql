-- The office's note on how a city target was divided among the districts (目标分解表 备注).
-- Keep in step with the other backend.
ALTER TABLE targets ADD COLUMN allocation_note TEXT;
