package io.ucsync.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Each partition's epoch and owner in the state database (table partition_epochs). A node that takes a partition over
 * raises its epoch before it acts; every write of a worker's facts checks the epoch it was made under
 * ({@link WorkerStore}), so that the previous owner, should it still be running, can no longer save anything.
 */
public final class PartitionEpochs {

    /** A partition's current epoch, who raised it, and when. */
    public record Owner(int partition, long epoch, String node, Instant since) {}

    private final DataSource connections;
    private final Clock clock;

    public PartitionEpochs(StateDatabase database, Clock clock) {
        this.connections = database.dataSource();
        this.clock = clock;
    }

    /**
     * Raises the partition's epoch for this node, in one transaction; the fence its writes carry from now on. A write
     * of the previous owner that is under way holds the row until it commits, and this waits for it: what it saved is
     * in the store before the new owner loads it.
     */
    public Fence raise(int partition, String node) throws SQLException {
        Instant now = clock.instant();
        try (Connection connection = connections.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long epoch = raiseIn(connection, partition, node, now);
                connection.commit();
                return new Fence(partition, epoch);
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static long raiseIn(Connection connection, int partition, String node, Instant now) throws SQLException {
        try (PreparedStatement raise = connection.prepareStatement(
                "UPDATE partition_epochs SET epoch = epoch + 1, owner_node = ?, taken_at = ? WHERE partition_no = ?")) {
            raise.setString(1, node);
            raise.setTimestamp(2, Timestamp.from(now));
            raise.setInt(3, partition);
            if (raise.executeUpdate() == 0) {
                // the partition's first owner; two first owners at once (a split brain at the very start) make the
                // primary key refuse one of them, which fails its take-over
                try (PreparedStatement first = connection.prepareStatement(
                        "INSERT INTO partition_epochs (partition_no, epoch, owner_node, taken_at) VALUES (?, 1, ?, ?)")) {
                    first.setInt(1, partition);
                    first.setString(2, node);
                    first.setTimestamp(3, Timestamp.from(now));
                    first.executeUpdate();
                }
            }
        }
        return epochOf(connection, partition);
    }

    /** The partition's epoch now, or 0 when no node ever took it over (the first owner's is 1). */
    static long epochOf(Connection connection, int partition) throws SQLException {
        try (PreparedStatement read =
                connection.prepareStatement("SELECT epoch FROM partition_epochs WHERE partition_no = ?")) {
            read.setInt(1, partition);
            try (ResultSet rows = read.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    /** Every partition ever owned, by number. */
    public Map<Integer, Owner> all() throws SQLException {
        Map<Integer, Owner> owners = new TreeMap<>();
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT partition_no, epoch, owner_node, taken_at FROM partition_epochs");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                owners.put(
                        rows.getInt(1),
                        new Owner(
                                rows.getInt(1),
                                rows.getLong(2),
                                rows.getString(3),
                                rows.getTimestamp(4).toInstant()));
            }
        }
        return owners;
    }

    /**
     * Checks, inside the caller's transaction, that the fence's epoch is still the partition's, and holds the row until
     * the transaction ends (a take-over waits for it, and then raises the epoch past it).
     *
     * @return false when the partition was taken over since
     */
    static boolean stillCurrent(Connection connection, Fence fence) throws SQLException {
        try (PreparedStatement check = connection.prepareStatement(
                "UPDATE partition_epochs SET epoch = epoch WHERE partition_no = ? AND epoch = ?")) {
            check.setInt(1, fence.partition());
            check.setLong(2, fence.epoch());
            return check.executeUpdate() == 1;
        }
    }
}
