-- Whether a worker still has a session is asked for every session that ends (the idle sweep, a sign-out): without
-- this index each question read every session, so ending 50,000 at a shift change read 50,000 rows 50,000 times.
CREATE INDEX http_sessions_by_principal ON http_sessions (principal, last_seen);
