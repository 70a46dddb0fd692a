package io.ucsync.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Workers' own choices made through a node that does not own them, waiting in the state database (table
 * worker_inputs) for the owner of their partition: it applies each, in order, and deletes it. An owner that stops
 * before it deleted one leaves it for the next owner, which applies it again: every input says when it was made, so
 * that applying one twice gives what applying it once gave.
 */
public final class WorkerInbox {

    /** An input waiting for its worker's owner. */
    public record WaitingInput(long id, String sipUri, String kind, String detail, Instant madeAt) {}

    private final DataSource connections;
    private final boolean postgres;

    public WorkerInbox(StateDatabase database) {
        this.connections = database.dataSource();
        this.postgres = database.kind() == StateDatabase.Kind.POSTGRESQL;
    }

    /** Leaves an input for the owner of the worker's partition, and tells the nodes; its id. */
    public long submit(int partition, String sipUri, String kind, String detail, Instant madeAt) throws SQLException {
        try (Connection connection = connections.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO worker_inputs (partition_no, sip_uri, input, detail, made_at) VALUES (?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                insert.setInt(1, partition);
                insert.setString(2, sipUri);
                insert.setString(3, kind);
                insert.setString(4, detail);
                insert.setTimestamp(5, Timestamp.from(madeAt));
                insert.executeUpdate();
                long id;
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                if (postgres) {
                    ChangeNotices.announce(
                            connection, ChangeNotices.INPUTS_WAITING, List.of(String.valueOf(partition)));
                }
                connection.commit();
                return id;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The partition's waiting inputs, oldest first. */
    public List<WaitingInput> waiting(int partition) throws SQLException {
        List<WaitingInput> inputs = new ArrayList<>();
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT id, sip_uri, input, detail, made_at FROM worker_inputs WHERE partition_no = ? ORDER BY id")) {
            query.setInt(1, partition);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    inputs.add(new WaitingInput(
                            rows.getLong(1),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getString(4),
                            rows.getTimestamp(5).toInstant()));
                }
            }
        }
        return inputs;
    }

    /** Whether the input still waits (its owner has not applied it yet). */
    public boolean isWaiting(long id) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT 1 FROM worker_inputs WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** The input was applied. */
    public void applied(long id) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM worker_inputs WHERE id = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
    }
}
