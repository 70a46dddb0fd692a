package io.ucsync.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The previews offered to workers, in the state database (table preview_offers), so that every node of a cluster
 * shows, settles and reports the same ones: an offer made through one node is declined through another. Each change
 * also tells the other nodes whose offer changed (on PostgreSQL).
 */
public final class PreviewOfferStore {

    /** An offer as stored: status offered, accepted, declined or withdrawn (one past its expiry still reads offered). */
    public record StoredOffer(String id, String sipUri, Instant expires, String status) {}

    private static final String OFFERED = "offered";

    private final DataSource connections;
    private final boolean postgres;

    public PreviewOfferStore(StateDatabase database) {
        this.connections = database.dataSource();
        this.postgres = database.kind() == StateDatabase.Kind.POSTGRESQL;
    }

    /** A new offer, withdrawing the worker's open one; offers that expired before {@code forgetBefore} are deleted. */
    public void offer(StoredOffer offer, Instant forgetBefore) throws SQLException {
        inTransaction(offer.sipUri(), connection -> {
            try (PreparedStatement withdraw = connection.prepareStatement(
                            "UPDATE preview_offers SET status = 'withdrawn' WHERE sip_uri = ? AND status = '" + OFFERED
                                    + "'");
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO preview_offers (id, sip_uri, expires_at, status) VALUES (?, ?, ?, ?)");
                    PreparedStatement forget =
                            connection.prepareStatement("DELETE FROM preview_offers WHERE expires_at < ?")) {
                withdraw.setString(1, offer.sipUri());
                withdraw.executeUpdate();
                insert.setString(1, offer.id());
                insert.setString(2, offer.sipUri());
                insert.setTimestamp(3, Timestamp.from(offer.expires()));
                insert.setString(4, offer.status());
                insert.executeUpdate();
                forget.setTimestamp(1, Timestamp.from(forgetBefore));
                forget.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Settles the worker's open offer that has not expired at {@code now}, as accepted or declined; false when there is
     * none (settled already, through this node or another).
     */
    public boolean settle(String sipUri, String status, Instant now) throws SQLException {
        return inTransaction(sipUri, connection -> {
            try (PreparedStatement settle =
                    connection.prepareStatement("UPDATE preview_offers SET status = ? WHERE sip_uri = ? AND status = '"
                            + OFFERED + "' AND expires_at > ?")) {
                settle.setString(1, status);
                settle.setString(2, sipUri);
                settle.setTimestamp(3, Timestamp.from(now));
                return settle.executeUpdate() > 0;
            }
        });
    }

    public Optional<StoredOffer> find(String id) throws SQLException {
        List<StoredOffer> found = query("SELECT id, sip_uri, expires_at, status FROM preview_offers WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /**
     * These workers' offers still offered (expiries not checked), by worker: read in chunks ({@link KeyChunks}), since a
     * change feed that resumes reads every worker's again.
     */
    public Map<String, StoredOffer> open(Collection<String> sipUris) throws SQLException {
        Map<String, StoredOffer> open = new HashMap<>();
        try (Connection connection = connections.getConnection()) {
            KeyChunks.read(
                    connection,
                    "SELECT id, sip_uri, expires_at, status FROM preview_offers WHERE status = '" + OFFERED
                            + "' AND sip_uri",
                    sipUris,
                    rows -> read(rows).forEach(offer -> open.put(offer.sipUri(), offer)));
        }
        return open;
    }

    /** Every offer still offered (expiries not checked). */
    public List<StoredOffer> allOpen() throws SQLException {
        return query(
                "SELECT id, sip_uri, expires_at, status FROM preview_offers WHERE status = '" + OFFERED + "'", null);
    }

    private List<StoredOffer> query(String sql, String parameter) throws SQLException {
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(sql)) {
            if (parameter != null) {
                query.setString(1, parameter);
            }
            try (ResultSet rows = query.executeQuery()) {
                return read(rows);
            }
        }
    }

    private static List<StoredOffer> read(ResultSet rows) throws SQLException {
        List<StoredOffer> offers = new ArrayList<>();
        while (rows.next()) {
            offers.add(new StoredOffer(
                    rows.getString(1), rows.getString(2), rows.getTimestamp(3).toInstant(), rows.getString(4)));
        }
        return offers;
    }

    private interface Work {
        boolean run(Connection connection) throws SQLException;
    }

    /** The work in one transaction that also tells the other nodes the worker's offer changed, if it did. */
    private boolean inTransaction(String sipUri, Work work) throws SQLException {
        try (Connection connection = connections.getConnection()) {
            connection.setAutoCommit(false);
            try {
                boolean changed = work.run(connection);
                if (changed && postgres) {
                    ChangeNotices.announce(connection, ChangeNotices.OFFERS_CHANGED, List.of(sipUri));
                }
                connection.commit();
                return changed;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
