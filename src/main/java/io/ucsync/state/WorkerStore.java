package io.ucsync.state;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.engine.AgentState;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.engine.WorkerFacts.CallPhase;
import io.ucsync.engine.WorkerFacts.ExternalChange;

/**
 * Keeps every worker's facts and the audit log in a database file (embedded H2 by default, any JDBC URL),
 * so that a kill -9 and a restart lose nothing. Plain SQL on one connection; the registry serializes writes.
 */
public final class WorkerStore implements AutoCloseable {

    /** The most writes committed together. */
    private static final int MAX_GROUP = 256;
    private static final int AUDIT_CHANGE_LENGTH = 512;
    private static final int AUDIT_CAUSE_LENGTH = 1024;

    private final Connection connection;
    private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    private final Thread writer = new Thread(this::writeGroups, "worker-store-writer");
    private volatile boolean closed;

    public WorkerStore(String jdbcUrl, String user, String password) throws SQLException {
        connection = DriverManager.getConnection(jdbcUrl, user, password);
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS worker_facts (
                        sip_uri VARCHAR(512) PRIMARY KEY,
                        own_availability VARCHAR(32), own_activity VARCHAR(64), own_source VARCHAR(16), own_publish_time TIMESTAMP,
                        cc_dnd BOOLEAN NOT NULL,
                        preview_declined_until TIMESTAMP,
                        active_calls VARCHAR(1024) NOT NULL,
                        reported_agent_state VARCHAR(128),
                        published VARCHAR(128))""");
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS audit_log (
                        id BIGINT AUTO_INCREMENT PRIMARY KEY,
                        sip_uri VARCHAR(512) NOT NULL,
                        at TIMESTAMP NOT NULL,
                        change VARCHAR(%d) NOT NULL,
                        cause VARCHAR(%d) NOT NULL)""".formatted(AUDIT_CHANGE_LENGTH, AUDIT_CAUSE_LENGTH));
            statement.execute("CREATE INDEX IF NOT EXISTS audit_by_worker ON audit_log (sip_uri, id)");
            // added after the first release; a state file of an earlier ucsync gets them empty
            statement.execute("ALTER TABLE worker_facts ADD COLUMN IF NOT EXISTS external_change_at TIMESTAMP");
            statement.execute("ALTER TABLE worker_facts ADD COLUMN IF NOT EXISTS external_reverted BOOLEAN");
            statement.execute("ALTER TABLE worker_facts ADD COLUMN IF NOT EXISTS requested VARCHAR(1024)");
        }
        writer.setDaemon(true);
        writer.start();
    }

    /** Every worker's facts as last saved. */
    public synchronized Map<String, WorkerFacts> loadAll() throws SQLException {
        Map<String, WorkerFacts> facts = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM worker_facts")) {
            while (rows.next()) {
                String sipUri = rows.getString("sip_uri");
                String availability = rows.getString("own_availability");
                Presence own = availability == null ? null : new Presence(sipUri, Availability.valueOf(availability),
                        rows.getString("own_activity"), PresenceSource.valueOf(rows.getString("own_source")),
                        rows.getTimestamp("own_publish_time").toInstant());
                Timestamp until = rows.getTimestamp("preview_declined_until");
                String published = rows.getString("published");
                Timestamp externalAt = rows.getTimestamp("external_change_at");
                facts.put(sipUri, new WorkerFacts(own, rows.getBoolean("cc_dnd"), until == null ? null : until.toInstant(),
                        decodeCalls(rows.getString("active_calls")), decodeAgentState(rows.getString("reported_agent_state")),
                        decodeRequested(rows.getString("requested")), externalAt == null ? null : new ExternalChange(externalAt.toInstant(), rows.getBoolean("external_reverted")),
                        published == null ? null : PublishedPresence.parse(published)));
            }
        }
        return facts;
    }

    /** One worker's new facts, and the audit entry of its agent-state change if there is one. */
    private record Write(String sipUri, WorkerFacts facts, AuditEntry audit, CompletableFuture<Void> done) {
    }

    /**
     * Saves a worker's facts (and an audit entry) and returns once they are committed. Writes from many workers'
     * lanes are committed together by one writer (group commit): each waits for the commit that holds its write,
     * and the file sees one commit per group instead of one per write.
     *
     * @param audit the agent-state change to record with it, or null
     */
    public void write(String sipUri, WorkerFacts facts, AuditEntry audit) throws SQLException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            throw new SQLException("the worker store is closed");
        }
        writes.add(new Write(sipUri, facts, audit, done));
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the commit", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
        }
    }

    private void writeGroups() {
        List<Write> group = new ArrayList<>();
        while (true) {
            try {
                group.add(writes.take());
            } catch (InterruptedException e) {
                return;
            }
            writes.drainTo(group, MAX_GROUP - 1);
            boolean closing = group.removeIf(write -> write.sipUri() == null);
            if (!group.isEmpty()) {
                commit(group);
            }
            if (closing) {
                return; // everything written before close() is committed
            }
            group.clear();
        }
    }

    private synchronized void commit(List<Write> group) {
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement merge = connection.prepareStatement(
                    "MERGE INTO worker_facts (sip_uri, own_availability, own_activity, own_source, own_publish_time, cc_dnd,"
                            + " preview_declined_until, active_calls, reported_agent_state, published, external_change_at, external_reverted,"
                            + " requested) KEY (sip_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO audit_log (sip_uri, at, change, cause) VALUES (?, ?, ?, ?)")) {
                for (Write write : group) {
                    bindFacts(merge, write.sipUri(), write.facts());
                    merge.addBatch();
                    if (write.audit() != null) {
                        insert.setString(1, write.sipUri());
                        insert.setTimestamp(2, Timestamp.from(write.audit().at()));
                        insert.setString(3, fitted(write.audit().change(), AUDIT_CHANGE_LENGTH));
                        insert.setString(4, fitted(write.audit().cause(), AUDIT_CAUSE_LENGTH));
                        insert.addBatch();
                    }
                }
                merge.executeBatch();
                insert.executeBatch();
            }
            connection.commit();
            group.forEach(write -> write.done().complete(null));
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            group.forEach(write -> write.done().completeExceptionally(e));
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                // the next commit reports the connection's trouble
            }
        }
    }

    private static void bindFacts(PreparedStatement merge, String sipUri, WorkerFacts facts) throws SQLException {
        Presence own = facts.ownPresence();
        merge.setString(1, sipUri);
        merge.setString(2, own == null ? null : own.availability().name());
        merge.setString(3, own == null ? null : own.activity());
        merge.setString(4, own == null ? null : own.source().name());
        merge.setTimestamp(5, own == null ? null : Timestamp.from(own.publishTime()));
        merge.setBoolean(6, facts.contactCenterDnd());
        merge.setTimestamp(7, facts.previewDeclinedUntil() == null ? null : Timestamp.from(facts.previewDeclinedUntil()));
        merge.setString(8, encodeCalls(facts.calls()));
        merge.setString(9, encodeAgentState(facts.reportedAgentState()));
        merge.setString(10, facts.published() == null ? null : facts.published().toString());
        ExternalChange external = facts.externalChange();
        merge.setTimestamp(11, external == null ? null : Timestamp.from(external.at()));
        merge.setObject(12, external == null ? null : external.reverted(), Types.BOOLEAN);
        // one per line: a reason code is one token of the map or the options, never containing white space
        merge.setString(13, facts.requested().stream().map(WorkerStore::encodeAgentState).collect(Collectors.joining("\n")));
    }

    /** The requested states as {@link #bindFacts} wrote them; none for a row of an earlier ucsync. */
    static List<AgentState> decodeRequested(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(text.split("\n")).map(WorkerStore::decodeAgentState).toList();
    }

    /** {@code connId=PHASE,...}, sorted. */
    static String encodeCalls(Map<String, CallPhase> calls) {
        return calls.entrySet().stream().map(call -> call.getKey() + "=" + call.getValue()).sorted().collect(Collectors.joining(","));
    }

    /** The calls as {@link #encodeCalls} wrote them; a ConnID alone (an earlier ucsync's) is an answered call. */
    static Map<String, CallPhase> decodeCalls(String text) {
        Map<String, CallPhase> calls = new HashMap<>();
        for (String call : text.split(",")) {
            if (!call.isEmpty()) {
                int equals = call.indexOf('=');
                calls.put(equals < 0 ? call : call.substring(0, equals),
                        equals < 0 ? CallPhase.ESTABLISHED : CallPhase.valueOf(call.substring(equals + 1)));
            }
        }
        return calls;
    }

    /** An audit text cut to its column, so that a long one never keeps a worker's facts from being saved. */
    private static String fitted(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }

    /** A worker's audit entries, newest first. */
    public synchronized List<AuditEntry> auditFor(String sipUri, int limit) throws SQLException {
        List<AuditEntry> entries = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT at, change, cause FROM audit_log WHERE sip_uri = ? ORDER BY id DESC LIMIT ?")) {
            query.setString(1, sipUri);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.add(new AuditEntry(sipUri, rows.getTimestamp("at").toInstant(), rows.getString("change"), rows.getString("cause")));
                }
            }
        }
        return entries;
    }

    static String encodeAgentState(AgentState state) {
        if (state instanceof AgentState.NotReady notReady) {
            return "NotReady:" + notReady.workMode() + ":" + (notReady.reasonCode() == null ? "" : notReady.reasonCode());
        }
        return state == null ? null : state.toString();
    }

    static AgentState decodeAgentState(String text) {
        if (text == null) {
            return null;
        }
        if (text.startsWith("NotReady:")) {
            String[] parts = text.split(":", 3);
            return AgentState.notReady(AgentWorkMode.valueOf(parts[1]), parts[2].isEmpty() ? null : parts[2]);
        }
        return text.equals("Ready") ? AgentState.READY : AgentState.LOGGED_OUT;
    }

    /** Commits what was written so far, then closes the database. */
    @Override
    public void close() throws SQLException {
        closed = true;
        writes.add(new Write(null, null, null, null));
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            connection.close();
        }
    }
}
