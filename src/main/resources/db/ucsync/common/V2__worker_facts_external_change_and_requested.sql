-- Added after the first release: an agent state set by someone else (when, and whether ucsync reverted it), and the
-- agent states ucsync requested that the T-Server has not reported yet. Rows of an earlier ucsync get them empty.
-- IF NOT EXISTS: an H2 file of a ucsync from before the migrations may have them already.
ALTER TABLE worker_facts ADD COLUMN IF NOT EXISTS external_change_at TIMESTAMP;
ALTER TABLE worker_facts ADD COLUMN IF NOT EXISTS external_reverted BOOLEAN;
ALTER TABLE worker_facts ADD COLUMN IF NOT EXISTS requested VARCHAR(1024);
