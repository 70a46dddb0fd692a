package io.ucsync.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database ucsync keeps its state in (worker facts, audit log, Quartz's timers): an embedded H2 file by default, or
 * PostgreSQL. Opening it checks that it answers, creates or migrates its schema (Flyway, src/main/resources/db/ucsync),
 * and pools its connections, which Quartz and the worker store share.
 */
public final class StateDatabase implements AutoCloseable {

    /** The databases ucsync's SQL and migrations are written for. */
    public enum Kind {
        H2("jdbc:h2:", "h2"),
        POSTGRESQL("jdbc:postgresql:", "postgresql");

        private final String urlPrefix;
        /** The folder of the migrations written for this database alone (under db/ucsync). */
        private final String migrationFolder;

        Kind(String urlPrefix, String migrationFolder) {
            this.urlPrefix = urlPrefix;
            this.migrationFolder = migrationFolder;
        }

        /** The kind of database this JDBC URL names, or null when ucsync does not support it. */
        public static Kind of(String jdbcUrl) {
            for (Kind kind : values()) {
                if (jdbcUrl.startsWith(kind.urlPrefix)) {
                    return kind;
                }
            }
            return null;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StateDatabase.class);
    /** A password given in the URL itself (PostgreSQL's ?password=, H2's ;PASSWORD=) never reaches a log. */
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");
    /** Reads (the start's load, audit pages, sessions, offers, the inbox) besides what the timers take. */
    private static final int POOL_SIZE_BESIDES_TIMERS = 4;
    /** What each Quartz scheduler takes at most at once: its scheduler thread and its misfire or cluster handler. */
    private static final int POOL_SIZE_PER_TIMER_SCHEDULER = 2;
    /** The most connections one node keeps, whatever the partitions it owns: PostgreSQL allows 100 by default. */
    private static final int MAX_POOL_SIZE = 30;
    /** How long a thread waits for a connection before the store counts as unreachable. */
    private static final long CONNECTION_TIMEOUT_MILLIS = 2000;
    /** Flyway's record of the migrations applied. */
    static final String HISTORY_TABLE = "ucsync_schema_history";

    private final Kind kind;
    private final String description;
    private final HikariDataSource pool;
    /** What every connection runs first (the pool's and {@link #connect()}'s alike); null for nothing. */
    private final String sessionSetting;

    private StateDatabase(Kind kind, String description, HikariDataSource pool, String sessionSetting) {
        this.kind = kind;
        this.description = description;
        this.pool = pool;
        this.sessionSetting = sessionSetting;
    }

    /**
     * Connects, creates or migrates the schema, and pools the connections.
     *
     * @throws StateStoreException in one line naming the URL (without a password) and why, when the database cannot be
     *                             reached or its schema cannot be migrated
     */
    public static StateDatabase open(String jdbcUrl, String user, String password) throws StateStoreException {
        return open(jdbcUrl, user, password, 1, null);
    }

    /**
     * As {@link #open(String, String, String)}, for a node of a cluster: it may run up to this many timer schedulers
     * (one per partition it owns), and its pool is sized for them; on PostgreSQL, a transaction of its that waits on
     * the node longer than {@code idleTransactionLimit} is ended with its session by the server.
     * <p>
     * Why the limit: a node's transaction holds rows other nodes wait for (the epoch of a partition its write checked,
     * Quartz's locks). A node stopped in one (a paused VM, a long GC) keeps its connection open, and the node taking its
     * partitions over would wait for those rows until it ran again. ucsync's own transactions never wait on their
     * client between statements, so one idle that long is a stopped node's.
     *
     * @param idleTransactionLimit shorter than the cluster's session timeout, so that the rows are free by the time
     *                             another node takes the partitions over; null for no limit
     */
    public static StateDatabase open(
            String jdbcUrl, String user, String password, int timerSchedulers, Duration idleTransactionLimit)
            throws StateStoreException {
        String description = "state store " + withoutPassword(jdbcUrl);
        Kind kind = Kind.of(jdbcUrl);
        if (kind == null) {
            throw new StateStoreException(
                    description + " is not a database ucsync supports (jdbc:h2:... or jdbc:postgresql://...)");
        }
        // a connection of its own first: its failure is the driver's one-line reason, not a pool's timeout
        try {
            DriverManager.getConnection(jdbcUrl, user, password).close();
        } catch (SQLException e) {
            throw new StateStoreException(description + " cannot be reached: " + oneLine(e.getMessage()), e);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("ucsync-state");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(
                Math.min(MAX_POOL_SIZE, POOL_SIZE_BESIDES_TIMERS + POOL_SIZE_PER_TIMER_SCHEDULER * timerSchedulers));
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        String sessionSetting = kind == Kind.POSTGRESQL && idleTransactionLimit != null
                ? "SET idle_in_transaction_session_timeout = " + idleTransactionLimit.toMillis()
                : null;
        config.setConnectionInitSql(sessionSetting);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            migrate(kind, pool, description);
        } catch (FlywayException e) {
            pool.close();
            throw new StateStoreException(
                    description + ": the schema cannot be created or migrated: " + oneLine(e.getMessage()), e);
        }
        return new StateDatabase(kind, description, pool, sessionSetting);
    }

    /**
     * Brings the schema to the newest version. ucsync's own tables have one set of migrations for both databases
     * (db/ucsync/common), Quartz's tables one per database (db/ucsync/h2, db/ucsync/postgresql). Neither the folders nor
     * the history table are Flyway's defaults (db/migration, flyway_schema_history), which an application that embeds
     * ucsync may use for its own database: its Flyway would otherwise run ucsync's migrations too.
     * <p>
     * An H2 file of a ucsync from before the migrations has the tables and no history: it is baselined at version 0, and
     * every migration, written to leave what exists as it is, runs over it. Never on PostgreSQL: there, nodes that start
     * together would race to baseline one database, and a database with tables but no history is not ucsync's.
     */
    private static void migrate(Kind kind, DataSource dataSource, String description) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/ucsync/common", "classpath:db/ucsync/" + kind.migrationFolder)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(kind == Kind.H2)
                .baselineVersion("0")
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info(
                    "{}: schema migrated from version {} to {}",
                    description,
                    result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                    result.targetSchemaVersion);
        } else {
            LOG.info("{}: schema at version {}", description, result.initialSchemaVersion);
        }
    }

    /** The JDBC URL with any password in it replaced, fit for logs and messages. */
    static String withoutPassword(String jdbcUrl) {
        return PASSWORD_IN_URL.matcher(jdbcUrl).replaceAll("$1***");
    }

    private static String oneLine(String text) {
        return text == null ? "no reason given" : text.strip().replaceAll("\\s*\\R[\\s-]*", " ");
    }

    public Kind kind() {
        return kind;
    }

    /** The pooled connections, shared by Quartz and the worker store's reads. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * A connection of its own, outside the pool, for a caller that must reconnect as soon as the database is back: the
     * pool waits up to 5 s between attempts while it cannot connect.
     */
    public Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        if (sessionSetting != null) {
            try (Statement setting = connection.createStatement()) {
                setting.execute(sessionSetting);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    /** "state store URL", the URL without a password. */
    @Override
    public String toString() {
        return description;
    }

    /** Closes the pool's connections (an H2 file is closed with its last connection). */
    @Override
    public void close() {
        pool.close();
    }
}
