-- H2 takes 32 ids of an identity column at a time, and writes each new high mark in a commit of its own: with
-- WRITE_DELAY=0, one more chunk written every 32 audit entries, 17% of ucsync's CPU during a start of 100,000 workers
-- (two entries each). One database in one process draws the ids, so they still rise in the order of the inserts; a
-- kill -9 skips the rest of the range. PostgreSQL draws ids without a commit; its sequence keeps a cache of 1, so that
-- the ids of a worker whose partition moves to another node of a cluster still rise.
ALTER TABLE audit_log ALTER COLUMN id SET CACHE 100000;
