-- The sessions of the KW page and the dashboard, so that they survive a restart (and, in a cluster, are known to
-- every node). The cookie's value is not kept, only its SHA-256: a copy of this table opens no session.
CREATE TABLE http_sessions (
    token_hash VARCHAR(64) PRIMARY KEY,
    principal VARCHAR(512) NOT NULL,
    last_seen TIMESTAMP NOT NULL
);
CREATE INDEX http_sessions_by_last_seen ON http_sessions (last_seen);
