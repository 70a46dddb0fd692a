package io.ucsync.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The HTTP sessions in the state database: a session's token hash, whose it is (a worker's SIP URI or the operator) and
 * when it was last used. Every node of a cluster reads and writes the same ones. Plain SQL that H2 and PostgreSQL both
 * take, on the pool's connections.
 */
public final class SessionStore {

    /** A stored session. */
    public record StoredSession(String tokenHash, String principal, Instant lastSeen) {}

    private final DataSource connections;

    public SessionStore(StateDatabase database) {
        this.connections = database.dataSource();
    }

    public void insert(String tokenHash, String principal, Instant at) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO http_sessions (token_hash, principal, last_seen) VALUES (?, ?, ?)")) {
            insert.setString(1, tokenHash);
            insert.setString(2, principal);
            insert.setTimestamp(3, Timestamp.from(at));
            insert.executeUpdate();
        }
    }

    public Optional<StoredSession> find(String tokenHash) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT principal, last_seen FROM http_sessions WHERE token_hash = ?")) {
            query.setString(1, tokenHash);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next()
                        ? Optional.of(new StoredSession(
                                tokenHash,
                                rows.getString(1),
                                rows.getTimestamp(2).toInstant()))
                        : Optional.empty();
            }
        }
    }

    public void touch(String tokenHash, Instant at) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement update =
                        connection.prepareStatement("UPDATE http_sessions SET last_seen = ? WHERE token_hash = ?")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setString(2, tokenHash);
            update.executeUpdate();
        }
    }

    public void delete(String tokenHash) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM http_sessions WHERE token_hash = ?")) {
            delete.setString(1, tokenHash);
            delete.executeUpdate();
        }
    }

    /**
     * Deletes the session if it was last used before {@code idleBefore} (used since through another node of a cluster,
     * it stays); whether it was deleted, by this call.
     */
    public boolean deleteIfIdle(String tokenHash, Instant idleBefore) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM http_sessions WHERE token_hash = ? AND last_seen <= ?")) {
            delete.setString(1, tokenHash);
            delete.setTimestamp(2, Timestamp.from(idleBefore));
            return delete.executeUpdate() == 1;
        }
    }

    /** The sessions last used before that time, oldest first. */
    public List<StoredSession> idleBefore(Instant before) throws SQLException {
        List<StoredSession> sessions = new ArrayList<>();
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT token_hash, principal, last_seen FROM http_sessions WHERE last_seen <= ? ORDER BY last_seen")) {
            query.setTimestamp(1, Timestamp.from(before));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    sessions.add(new StoredSession(
                            rows.getString(1),
                            rows.getString(2),
                            rows.getTimestamp(3).toInstant()));
                }
            }
        }
        return sessions;
    }

    /** The principals with a session used after that time. */
    public Set<String> principalsSeenAfter(Instant after) throws SQLException {
        Set<String> principals = new HashSet<>();
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT DISTINCT principal FROM http_sessions WHERE last_seen > ?")) {
            query.setTimestamp(1, Timestamp.from(after));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    principals.add(rows.getString(1));
                }
            }
        }
        return principals;
    }

    /** Whether the principal has a session used after that time. */
    public boolean hasSessionSeenAfter(String principal, Instant after) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT 1 FROM http_sessions WHERE principal = ? AND last_seen > ?")) {
            query.setString(1, principal);
            query.setTimestamp(2, Timestamp.from(after));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }
}
