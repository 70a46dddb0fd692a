package io.ucsync.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Rows read for many workers at once, {@value #CHUNK} workers a query: a query per worker is what 100,000 workers
 * cannot afford (a partition taken over, a change feed resumed), and one IN list of all of them is more parameters
 * than a driver binds in one statement.
 */
final class KeyChunks {

    private static final int CHUNK = 500;

    /** What to do with each query's rows. */
    interface RowReader {
        void read(ResultSet rows) throws SQLException;
    }

    private KeyChunks() {}

    /**
     * Runs {@code selectWhereKey} followed by {@code IN (?, ...)} for each chunk of the keys, on the connection, and hands
     * each result to {@code reader}.
     *
     * @param selectWhereKey a query ending in the key's column, such as {@code SELECT * FROM t WHERE sip_uri}
     */
    static void read(Connection connection, String selectWhereKey, Collection<String> keys, RowReader reader)
            throws SQLException {
        List<String> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement query = connection.prepareStatement(selectWhereKey + " IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    query.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rows = query.executeQuery()) {
                    reader.read(rows);
                }
            }
        }
    }
}
