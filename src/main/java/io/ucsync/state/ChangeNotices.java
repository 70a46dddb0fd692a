package io.ucsync.state;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a node tells the other nodes of a cluster through PostgreSQL's NOTIFY, sent with the transaction that made the
 * change (and only if it commits): on a channel, items one per line, in as few notices as PostgreSQL's payload limit
 * (8000 bytes) allows. {@link ChangeFeed} hears them.
 */
final class ChangeNotices {

    /** These workers' facts changed: one SIP URI per line. */
    static final String WORKERS_CHANGED = "ucsync_workers_changed";
    /**
     * A preview offered to these workers changed: one SIP URI per line. A channel of its own, as offers change
     * seldom and facts with every presence: each node reads an offer again only when it did change.
     */
    static final String OFFERS_CHANGED = "ucsync_offers_changed";
    /** These partitions have inputs waiting for their owner: one number per line. */
    static final String INPUTS_WAITING = "ucsync_inputs_waiting";

    /** Below PostgreSQL's limit of 8000 bytes per payload. */
    private static final int MAX_PAYLOAD_BYTES = 7000;

    private ChangeNotices() {}

    /** Queues notices of these items on the channel, in the connection's transaction. */
    static void announce(Connection connection, String channel, List<String> items) throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            StringBuilder payload = new StringBuilder();
            int payloadBytes = 0;
            for (String item : items) {
                int itemBytes = item.getBytes(StandardCharsets.UTF_8).length + 1;
                if (payloadBytes > 0 && payloadBytes + itemBytes > MAX_PAYLOAD_BYTES) {
                    send(notify, channel, payload);
                    payloadBytes = 0;
                }
                payload.append(payloadBytes > 0 ? "\n" : "").append(item);
                payloadBytes += itemBytes;
            }
            send(notify, channel, payload);
        }
    }

    private static void send(PreparedStatement notify, String channel, StringBuilder payload) throws SQLException {
        notify.setString(1, channel);
        notify.setString(2, payload.toString());
        notify.executeQuery().close();
        payload.setLength(0);
    }

    /** The items of one notice's payload. */
    static List<String> items(String payload) {
        return payload == null || payload.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(payload.split("\n")));
    }
}
