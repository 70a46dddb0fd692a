package io.ucsync.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears what the other nodes of a cluster changed in the PostgreSQL store ({@link ChangeNotices}): which workers a
 * commit changed, and which partitions have inputs waiting for their owner. On a connection of its own, outside the
 * pool, on a thread of its own. When the connection is lost, notices sent meanwhile are lost with it: once it is back,
 * the listener is told to read again what it keeps.
 */
public final class ChangeFeed implements AutoCloseable {

    /** Told on the feed's thread: keep it short, or hand the work on. */
    public interface Listener {

        /** These workers' facts changed (by this node too). */
        void workersChanged(Set<String> sipUris);

        /** A preview offered to these workers changed (by this node too). */
        void offersChanged(Set<String> sipUris);

        /** These partitions have inputs waiting for their owner. */
        void inputsWaiting(Set<Integer> partitions);

        /** The feed was cut and is back: notices may have been missed. */
        void resumed();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int WAIT_MILLIS = 500;
    private static final long LONGEST_RETRY_MILLIS = 1000;

    private final StateDatabase database;
    private final Listener listener;
    private final StateThreads threads;
    /** Runs {@link #listen} from start to close. */
    private ExecutorService feed;

    private volatile boolean closed;
    private volatile Connection connection;

    /** A feed that listens on a thread named {@code state-change-feed} from {@code threads}. */
    public ChangeFeed(StateDatabase database, Listener listener, StateThreads threads) {
        this.database = database;
        this.listener = listener;
        this.threads = threads;
    }

    /** Starts listening; returns once the feed listens, so that no change committed after this is missed. */
    public void start() throws SQLException {
        connection = listening();
        feed = threads.newSingleThreadExecutor("state-change-feed");
        feed.execute(this::listen);
    }

    private Connection listening() throws SQLException {
        Connection listening = database.connect();
        try (Statement statement = listening.createStatement()) {
            statement.execute("LISTEN " + ChangeNotices.WORKERS_CHANGED);
            statement.execute("LISTEN " + ChangeNotices.OFFERS_CHANGED);
            statement.execute("LISTEN " + ChangeNotices.INPUTS_WAITING);
        } catch (SQLException e) {
            listening.close();
            throw e;
        }
        return listening;
    }

    private void listen() {
        long retryMillis = 50;
        while (!closed) {
            try {
                if (connection == null) {
                    connection = listening();
                    LOG.debug("change feed listening again");
                    listener.resumed();
                }
                PGNotification[] notices = connection.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                retryMillis = 50;
                if (notices != null && notices.length > 0) {
                    hand(notices);
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                LOG.debug("change feed cut ({}); listening again in {} ms", e.getMessage(), retryMillis);
                closeConnection();
                try {
                    TimeUnit.MILLISECONDS.sleep(retryMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                retryMillis = Math.min(LONGEST_RETRY_MILLIS, retryMillis * 2);
            } catch (RuntimeException e) {
                LOG.warn("change feed: a listener failed: {}", e.toString());
            }
        }
    }

    private void hand(PGNotification[] notices) {
        Set<String> facts = new LinkedHashSet<>();
        Set<String> offers = new LinkedHashSet<>();
        Set<Integer> inputs = new LinkedHashSet<>();
        for (PGNotification notice : notices) {
            if (notice.getName().equals(ChangeNotices.WORKERS_CHANGED)) {
                facts.addAll(ChangeNotices.items(notice.getParameter()));
            } else if (notice.getName().equals(ChangeNotices.OFFERS_CHANGED)) {
                offers.addAll(ChangeNotices.items(notice.getParameter()));
            } else if (notice.getName().equals(ChangeNotices.INPUTS_WAITING)) {
                ChangeNotices.items(notice.getParameter())
                        .forEach(partition -> inputs.add(Integer.parseInt(partition)));
            }
        }
        if (!facts.isEmpty()) {
            listener.workersChanged(facts);
        }
        if (!offers.isEmpty()) {
            listener.offersChanged(offers);
        }
        if (!inputs.isEmpty()) {
            listener.inputsWaiting(inputs);
        }
    }

    private void closeConnection() {
        Connection open = connection;
        connection = null;
        if (open != null) {
            try {
                open.close();
            } catch (SQLException e) {
                // lost already
            }
        }
    }

    /** Stops listening: the feed's loop sees {@code closed} within a wait for notices, or is interrupted after 5 s. */
    @Override
    public void close() {
        closed = true;
        if (feed != null) {
            threads.shutdownGraceful(feed, TimeUnit.SECONDS.toMillis(5));
        }
        closeConnection();
    }
}
