package io.ucsync.state;

import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.engine.WorkerFacts.CallPhase;
import io.ucsync.engine.WorkerFacts.ExternalChange;
import io.ucsync.presence.Availability;
import io.ucsync.presence.LogText;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every worker's facts and the audit log in the state database ({@link StateDatabase}: an H2 file by default, or
 * PostgreSQL), so that a kill -9 and a restart lose nothing. Plain SQL that both take; the registry serializes writes.
 * <p>
 * While the database cannot be reached, a write waits, and is tried again until it is saved: the caller (a worker's
 * lane) acts on nothing meanwhile, and that worker's later changes wait behind it. The outage is logged once when it
 * begins and once when it ends.
 * <p>
 * Facts that nothing acts on and that the UC side and the T-Server tell again after a restart may be saved a moment
 * later instead ({@link #saveSoon}): on one node, they are kept and committed together every
 * {@value #SAVE_SOON_MILLIS} ms, in one commit with the writes waiting at that moment, rather than in a commit per
 * change; a worker changed twice meanwhile is written once.
 */
public final class WorkerStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerStore.class);
    /** The most writes committed together. */
    private static final int MAX_GROUP = 256;
    /** How long facts given to {@link #saveSoon} wait at most before they are committed. */
    static final long SAVE_SOON_MILLIS = 200;
    /** The most of those committed together. */
    private static final int MAX_SAVED_SOON_GROUP = 2048;

    private static final int AUDIT_CHANGE_LENGTH = 512;
    private static final int AUDIT_CAUSE_LENGTH = 1024;
    /** Waits between tries while the database cannot be reached: doubling from the first to the longest. */
    private static final long FIRST_RETRY_MILLIS = 50;

    private static final long LONGEST_RETRY_MILLIS = 1000;
    /**
     * Standard MERGE, which H2 and PostgreSQL 15 both take (neither takes the other's upsert). The parameters are cast
     * for PostgreSQL, which does not type them from the columns here; to VARCHAR without a length, because a cast to
     * the column's length would cut a value that is too long instead of refusing it.
     */
    private static final String MERGE_FACTS = """
            MERGE INTO worker_facts t USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),
                CAST(? AS TIMESTAMP), CAST(? AS BOOLEAN), CAST(? AS TIMESTAMP), CAST(? AS VARCHAR), CAST(? AS VARCHAR),
                CAST(? AS VARCHAR), CAST(? AS TIMESTAMP), CAST(? AS BOOLEAN), CAST(? AS VARCHAR)))
              AS s (sip_uri, own_availability, own_activity, own_source, own_publish_time, cc_dnd, preview_declined_until,
                active_calls, reported_agent_state, published, external_change_at, external_reverted, requested)
            ON t.sip_uri = s.sip_uri
            WHEN MATCHED THEN UPDATE SET own_availability = s.own_availability, own_activity = s.own_activity,
                own_source = s.own_source, own_publish_time = s.own_publish_time, cc_dnd = s.cc_dnd,
                preview_declined_until = s.preview_declined_until, active_calls = s.active_calls,
                reported_agent_state = s.reported_agent_state, published = s.published, external_change_at = s.external_change_at,
                external_reverted = s.external_reverted, requested = s.requested
            WHEN NOT MATCHED THEN INSERT (sip_uri, own_availability, own_activity, own_source, own_publish_time, cc_dnd,
                preview_declined_until, active_calls, reported_agent_state, published, external_change_at, external_reverted, requested)
              VALUES (s.sip_uri, s.own_availability, s.own_activity, s.own_source, s.own_publish_time, s.cc_dnd,
                s.preview_declined_until, s.active_calls, s.reported_agent_state, s.published, s.external_change_at,
                s.external_reverted, s.requested)""";

    /** The SQL types of {@link #MERGE_FACTS}'s parameters. */
    private static final int[] FACTS_TYPES = {
        Types.VARCHAR,
        Types.VARCHAR,
        Types.VARCHAR,
        Types.VARCHAR,
        Types.TIMESTAMP,
        Types.BOOLEAN,
        Types.TIMESTAMP,
        Types.VARCHAR,
        Types.VARCHAR,
        Types.VARCHAR,
        Types.TIMESTAMP,
        Types.BOOLEAN,
        Types.VARCHAR
    };
    /** The lengths of its text columns (db/ucsync/common V1 and V2), by parameter; 0 for the others. */
    private static final int[] FACTS_TEXT_LENGTHS = {512, 32, 64, 16, 0, 0, 0, 1024, 128, 128, 0, 0, 1024};

    private final StateDatabase database;
    /** The pool's connections, for reads. */
    private final DataSource connections;
    /**
     * The writer's own connection, outside the pool (null until opened, and after it was lost): when the database is
     * back after an outage, the next try reconnects at once instead of waiting out the pool's back-off (up to 5 s).
     */
    private Connection writerConnection;

    private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    /**
     * Whether other nodes read the store: then {@link #saveSoon} keeps nothing for a moment (the other nodes show the
     * worker as the store has it, and a partition's next owner loads it from there), and {@link #confirmOwner} asks
     * the store.
     */
    private final boolean clustered;
    /** The facts given to {@link #saveSoon} and not taken to be committed yet: the newest of each worker. */
    private final Map<String, SavedSoon> savedSoon = new ConcurrentHashMap<>();
    /**
     * A plain thread, not one of the CamelContext's: it lives as long as the store, which ucsync opens (and reads)
     * before any CamelContext exists, and its stop is the end of its queue (close() drains what was written before it)
     * rather than an executor's shutdown, which would add nothing here (src/main/docs/design.md "Codebase choices").
     */
    private final Thread writer = new Thread(this::writeGroups, "worker-store-writer");

    private volatile boolean closed;
    /** Since when the database cannot be reached ({@link System#nanoTime()}); null while it can. */
    private volatile Long unreachableSince;

    /** The store of an opened (and migrated) state database, for one node. */
    public WorkerStore(StateDatabase database) {
        this(database, false);
    }

    /**
     * The store of an opened (and migrated) state database.
     *
     * @param clustered whether other nodes read it too: every write is then committed before it returns
     */
    public WorkerStore(StateDatabase database, boolean clustered) {
        this.database = database;
        this.connections = database.dataSource();
        this.clustered = clustered;
        writer.setDaemon(true);
        writer.start();
    }

    /** Every worker's facts as last saved. */
    public Map<String, WorkerFacts> loadAll() throws SQLException {
        Map<String, WorkerFacts> facts = new HashMap<>();
        try (Connection connection = connections.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT * FROM worker_facts")) {
            readFacts(rows, facts);
        }
        return facts;
    }

    /** These workers' facts as last saved (a worker never saved has none). */
    public Map<String, WorkerFacts> load(Collection<String> sipUris) throws SQLException {
        Map<String, WorkerFacts> facts = new HashMap<>();
        try (Connection connection = connections.getConnection()) {
            KeyChunks.read(
                    connection, "SELECT * FROM worker_facts WHERE sip_uri", sipUris, rows -> readFacts(rows, facts));
        }
        return facts;
    }

    private static void readFacts(ResultSet rows, Map<String, WorkerFacts> facts) throws SQLException {
        while (rows.next()) {
            String sipUri = rows.getString("sip_uri");
            String availability = rows.getString("own_availability");
            Presence own = availability == null
                    ? null
                    : new Presence(
                            sipUri,
                            Availability.valueOf(availability),
                            rows.getString("own_activity"),
                            PresenceSource.valueOf(rows.getString("own_source")),
                            rows.getTimestamp("own_publish_time").toInstant());
            Timestamp until = rows.getTimestamp("preview_declined_until");
            String published = rows.getString("published");
            Timestamp externalAt = rows.getTimestamp("external_change_at");
            facts.put(
                    sipUri,
                    new WorkerFacts(
                            own,
                            rows.getBoolean("cc_dnd"),
                            until == null ? null : until.toInstant(),
                            decodeCalls(rows.getString("active_calls")),
                            decodeAgentState(rows.getString("reported_agent_state")),
                            decodeRequested(rows.getString("requested")),
                            externalAt == null
                                    ? null
                                    : new ExternalChange(externalAt.toInstant(), rows.getBoolean("external_reverted")),
                            published == null ? null : PublishedPresence.parse(published)));
        }
    }

    /**
     * One worker's new facts, as {@link #factsRow} binds them (made on the worker's lane, not on the one writer), and
     * the audit entries of its agent-state changes since its last write (oldest first).
     */
    private record Write(
            String sipUri, Object[] row, List<AuditEntry> audits, Fence fence, CompletableFuture<Void> done) {}

    /** A worker's facts given to {@link #saveSoon}, with the audit entries of every such change since (oldest first). */
    private record SavedSoon(Object[] row, List<AuditEntry> audits, Fence fence) {
        SavedSoon then(SavedSoon next) {
            List<AuditEntry> both = new ArrayList<>(audits);
            both.addAll(next.audits());
            return new SavedSoon(next.row(), both, next.fence());
        }
    }

    /**
     * Saves a worker's facts (and an audit entry) and returns once they are committed. Writes from many workers'
     * lanes are committed together by one writer (group commit): each waits for the commit that holds its write,
     * and the database sees one commit per group instead of one per write. While the database cannot be reached, this
     * waits until it is back and the write is saved.
     *
     * @param audit the agent-state change to record with it, or null
     * @param fence the epoch of the worker's partition this node writes under; checked in the write's transaction
     * @throws NotOwnerException when another node has taken the worker's partition over since: nothing was saved
     * @throws SQLException      when the database refused this write (it answers, and still refuses the write alone),
     *                           or the store was closed before the write could be saved
     */
    public void write(String sipUri, WorkerFacts facts, AuditEntry audit, Fence fence) throws SQLException {
        write(sipUri, factsRow(sipUri, facts), audit, fence);
    }

    private void write(String sipUri, Object[] row, AuditEntry audit, Fence fence) throws SQLException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            throw new SQLException("the worker store is closed");
        }
        // what the worker's lane gave saveSoon before is older than these facts: its audit entries go with them
        SavedSoon before = savedSoon.remove(sipUri);
        List<AuditEntry> audits = new ArrayList<>(before == null ? List.of() : before.audits());
        if (audit != null) {
            audits.add(audit);
        }
        writes.add(new Write(sipUri, row, audits, fence, done));
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NotOwnerException notOwner) {
                throw notOwner;
            }
            throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
        }
    }

    /**
     * Saves a worker's facts (and an audit entry) within {@value #SAVE_SOON_MILLIS} ms, and returns at once: for facts
     * that nothing acts on and that the UC side and the T-Server tell again after a restart, since a kill -9 before
     * they are committed loses them (and their audit entry; the restart's resync audits the agent state it finds).
     * Called on the worker's lane, as {@link #write} is: a later write of the worker carries these facts' audit entry
     * and makes them moot. In a cluster this is {@link #write}.
     *
     * @throws NotOwnerException as {@link #write} does, in a cluster
     * @throws SQLException      as {@link #write} does, in a cluster
     */
    public void saveSoon(String sipUri, WorkerFacts facts, AuditEntry audit, Fence fence) throws SQLException {
        Object[] row = factsRow(sipUri, facts);
        if (clustered || closed || !fitsColumns(row)) {
            write(sipUri, row, audit, fence); // refused at once if it does not fit, and then not applied
            return;
        }
        savedSoon.merge(sipUri, new SavedSoon(row, audit == null ? List.of() : List.of(audit), fence), SavedSoon::then);
    }

    /**
     * In a cluster, checks that the worker's partition is still at the fence's epoch, for a decision that acts without
     * changing any fact (a request asked again after its timeout, say): no write checks the fence for it, and a node
     * running again after a pause would otherwise act for a partition another node took over meanwhile. A node alone
     * owns its one partition for good: nothing to ask.
     *
     * @throws NotOwnerException when another node has taken the worker's partition over since
     */
    public void confirmOwner(String sipUri, Fence fence) throws SQLException {
        if (!clustered) {
            return;
        }
        try (Connection connection = connections.getConnection()) {
            if (PartitionEpochs.epochOf(connection, fence.partition()) != fence.epoch()) {
                throw NotOwnerException.takenOver(sipUri, "not acted on", fence);
            }
        }
    }

    /** Whether writes are waiting for the database to be reachable again. */
    public boolean isWaitingForDatabase() {
        return unreachableSince != null;
    }

    private void writeGroups() {
        List<Write> group = new ArrayList<>();
        long saveSoonAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SAVE_SOON_MILLIS);
        while (true) {
            try {
                Write first = writes.poll(SAVE_SOON_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    group.add(first);
                    writes.drainTo(group, MAX_GROUP - 1);
                }
            } catch (InterruptedException e) {
                return;
            }
            boolean closing = group.removeIf(write -> write.sipUri() == null);
            List<Write> soon = List.of();
            if (closing || System.nanoTime() - saveSoonAt >= 0) {
                // in the same commit as the writes waiting for theirs: much of a commit's cost is the same however
                // few rows it holds
                soon = takeSavedSoon(closing ? Integer.MAX_VALUE : MAX_SAVED_SOON_GROUP);
                group.addAll(soon);
                if (savedSoon.isEmpty()) {
                    saveSoonAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SAVE_SOON_MILLIS);
                }
            }
            if (!group.isEmpty()) {
                commitUntilSaved(group);
                reportUnsaved(soon);
            }
            if (closing) {
                dropWriterConnection(); // everything written before close() is committed
                return;
            }
            group.clear();
        }
    }

    /** Up to this many workers' facts given to {@link #saveSoon}, as writes nobody waits for. */
    private List<Write> takeSavedSoon(int most) {
        List<Write> taken = new ArrayList<>();
        for (Iterator<String> waiting = savedSoon.keySet().iterator(); waiting.hasNext() && taken.size() < most; ) {
            String sipUri = waiting.next();
            SavedSoon soon = savedSoon.remove(sipUri); // null when a write of the worker took it meanwhile
            if (soon != null) {
                taken.add(new Write(sipUri, soon.row(), soon.audits(), soon.fence(), new CompletableFuture<>()));
            }
        }
        return taken;
    }

    /**
     * Logs, in one line, the facts given to {@link #saveSoon} that could not be saved (ucsync stopped while the
     * database could not be reached, say): nobody waits for them to say so.
     */
    private static void reportUnsaved(List<Write> soon) {
        List<Write> unsaved = soon.stream()
                .filter(write -> write.done().isCompletedExceptionally())
                .toList();
        if (!unsaved.isEmpty()) {
            String why = unsaved.get(0)
                    .done()
                    .handle((saved, failure) -> failure.getMessage())
                    .join();
            LOG.warn(
                    "facts of {} worker(s) nothing had acted on not saved ({}): a restart's resync and subscriptions"
                            + " tell them again",
                    unsaved.size(),
                    why);
        }
    }

    /**
     * Commits the group, waiting and trying again while the database cannot be reached. When the database answers and
     * still refuses the group (a value it will not take), the writes are committed one by one, so that only the one
     * it refuses fails.
     */
    private void commitUntilSaved(List<Write> group) {
        long retryMillis = FIRST_RETRY_MILLIS;
        while (true) {
            try {
                Set<Fence> stale = commit(group);
                backAgain();
                for (Write write : group) {
                    if (stale.contains(write.fence())) {
                        write.done()
                                .completeExceptionally(
                                        NotOwnerException.takenOver(write.sipUri(), "not saved", write.fence()));
                    } else {
                        write.done().complete(null);
                    }
                }
                return;
            } catch (SQLException e) {
                if (!lostConnection(e) && writerConnectionAnswers()) {
                    backAgain();
                    if (group.size() == 1) {
                        group.get(0).done().completeExceptionally(refusal(e));
                    } else {
                        group.forEach(write -> commitUntilSaved(List.of(write)));
                    }
                    return;
                }
                dropWriterConnection();
                unreachable(e);
                if (closed) {
                    SQLException notSaved = new SQLException(
                            "not saved: ucsync stopped while the " + database + " could not be reached", e);
                    group.forEach(write -> write.done().completeExceptionally(notSaved));
                    return;
                }
                try {
                    Thread.sleep(retryMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    group.forEach(write -> write.done().completeExceptionally(e));
                    return;
                }
                retryMillis = Math.min(LONGEST_RETRY_MILLIS, retryMillis * 2);
            }
        }
    }

    /**
     * Commits the group's writes whose partition epoch still holds; the fences found stale, whose writes were left out.
     * The epochs are checked first, in partition order (two writers never wait for each other's rows in opposite
     * orders), and their rows stay locked until the commit: a take-over waits for this commit, and raises the epoch after.
     */
    private Set<Fence> commit(List<Write> group) throws SQLException {
        if (writerConnection == null) {
            writerConnection = database.connect();
            writerConnection.setAutoCommit(false);
        }
        Connection connection = writerConnection;
        try (PreparedStatement merge = connection.prepareStatement(MERGE_FACTS);
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO audit_log (sip_uri, at, change, cause) VALUES (?, ?, ?, ?)")) {
            Set<Fence> stale = new HashSet<>();
            for (Fence fence : group.stream()
                    .map(Write::fence)
                    .distinct()
                    .sorted(Comparator.comparingInt(Fence::partition))
                    .toList()) {
                if (!PartitionEpochs.stillCurrent(connection, fence)) {
                    stale.add(fence);
                }
            }
            List<String> changed = new ArrayList<>();
            for (Write write : group) {
                if (stale.contains(write.fence())) {
                    continue;
                }
                changed.add(write.sipUri());
                bindFacts(merge, write.row());
                merge.addBatch();
                for (AuditEntry audit : write.audits()) {
                    insert.setString(1, write.sipUri());
                    insert.setTimestamp(2, Timestamp.from(audit.at()));
                    insert.setString(3, fitted(audit.change(), AUDIT_CHANGE_LENGTH));
                    insert.setString(4, fitted(audit.cause(), AUDIT_CAUSE_LENGTH));
                    insert.addBatch();
                }
            }
            merge.executeBatch();
            insert.executeBatch();
            if (database.kind() == StateDatabase.Kind.POSTGRESQL) {
                // the other nodes of a cluster show these workers too
                ChangeNotices.announce(connection, ChangeNotices.WORKERS_CHANGED, changed);
            }
            connection.commit();
            return stale;
        } catch (SQLException e) {
            rollBack(connection, e);
            throw e;
        }
    }

    private SQLException refusal(SQLException failure) {
        return new SQLException("refused by the " + database + ": " + reason(failure), failure.getSQLState(), failure);
    }

    /**
     * Why a write failed, fit for a log line: the database's own error, at the end of the chain (a batch's own message
     * carries the statement with its values, text from the network).
     */
    private static String reason(SQLException failure) {
        SQLException reason = failure;
        while (true) {
            Throwable next = reason.getNextException() != null ? reason.getNextException() : reason.getCause();
            if (!(next instanceof SQLException sql) || next == reason) {
                return LogText.printable(reason.getMessage());
            }
            reason = sql;
        }
    }

    private static void rollBack(Connection connection, SQLException failure) {
        try {
            connection.rollback();
        } catch (SQLException rollback) {
            failure.addSuppressed(rollback);
        }
    }

    /**
     * Whether the failure says the connection was lost or could not be had (SQLState class 08, a server shutting down
     * or starting: 57P), not that the database refused what was written.
     */
    private static boolean lostConnection(SQLException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the database still answers on the writer's connection, after a write failed on it. */
    private boolean writerConnectionAnswers() {
        try {
            return writerConnection != null && writerConnection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void dropWriterConnection() {
        if (writerConnection != null) {
            try {
                writerConnection.close();
            } catch (SQLException e) {
                // lost already
            }
            writerConnection = null;
        }
    }

    private void unreachable(SQLException failure) {
        if (unreachableSince == null) {
            unreachableSince = System.nanoTime();
            LOG.warn(
                    "{} cannot be reached ({}): changes wait, each worker's in order, and nothing is acted on until they"
                            + " are saved",
                    database,
                    reason(failure));
        }
    }

    private void backAgain() {
        Long since = unreachableSince;
        if (since != null) {
            unreachableSince = null;
            LOG.info(
                    "{} reached again after {} ms: the changes that waited are saved",
                    database,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
        }
    }

    /** The values of {@link #MERGE_FACTS}'s parameters for a worker's facts, in their order. */
    private static Object[] factsRow(String sipUri, WorkerFacts facts) {
        Presence own = facts.ownPresence();
        ExternalChange external = facts.externalChange();
        return new Object[] {
            sipUri,
            own == null ? null : own.availability().name(),
            own == null ? null : own.activity(),
            own == null ? null : own.source().name(),
            own == null ? null : Timestamp.from(own.publishTime()),
            facts.contactCenterDnd(),
            facts.previewDeclinedUntil() == null ? null : Timestamp.from(facts.previewDeclinedUntil()),
            encodeCalls(facts.calls()),
            encodeAgentState(facts.reportedAgentState()),
            facts.published() == null ? null : facts.published().toString(),
            external == null ? null : Timestamp.from(external.at()),
            external == null ? null : external.reverted(),
            // one per line: a reason code is one token of the map or the options, never containing white space
            facts.requested().stream().map(WorkerStore::encodeAgentState).collect(Collectors.joining("\n"))
        };
    }

    private static void bindFacts(PreparedStatement merge, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            merge.setObject(i + 1, row[i], FACTS_TYPES[i]);
        }
    }

    /**
     * Whether the database takes the row: its texts fit their columns. Text from the network (an activity, a reason
     * code) can be longer; such facts are refused by the database when they are written, before anything acts on them.
     */
    private static boolean fitsColumns(Object[] row) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] instanceof String text && text.length() > FACTS_TEXT_LENGTHS[i]) {
                return false;
            }
        }
        return true;
    }

    /** The requested states as {@link #bindFacts} wrote them; none for a row of an earlier ucsync. */
    static List<AgentState> decodeRequested(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(text.split("\n"))
                .map(WorkerStore::decodeAgentState)
                .toList();
    }

    /** {@code connId=PHASE,...}, sorted. */
    static String encodeCalls(Map<String, CallPhase> calls) {
        return calls.entrySet().stream()
                .map(call -> call.getKey() + "=" + call.getValue())
                .sorted()
                .collect(Collectors.joining(","));
    }

    /** The calls as {@link #encodeCalls} wrote them; a ConnID alone (an earlier ucsync's) is an answered call. */
    static Map<String, CallPhase> decodeCalls(String text) {
        Map<String, CallPhase> calls = new HashMap<>();
        for (String call : text.split(",")) {
            if (!call.isEmpty()) {
                int equals = call.indexOf('=');
                calls.put(
                        equals < 0 ? call : call.substring(0, equals),
                        equals < 0 ? CallPhase.ESTABLISHED : CallPhase.valueOf(call.substring(equals + 1)));
            }
        }
        return calls;
    }

    /** An audit text cut to its column, so that a long one never keeps a worker's facts from being saved. */
    private static String fitted(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 3) + "...";
    }

    /** A worker's audit entries, newest first (those of facts still to be saved soon included). */
    public List<AuditEntry> auditFor(String sipUri, int limit) throws SQLException {
        // taken before the query: an entry committed in between is in both, and shown once
        SavedSoon soon = savedSoon.get(sipUri);
        List<AuditEntry> entries = new ArrayList<>(soon == null ? List.of() : soon.audits());
        Collections.reverse(entries);
        int pending = entries.size();
        try (Connection connection = connections.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT at, change, cause FROM audit_log WHERE sip_uri = ? ORDER BY id DESC LIMIT ?")) {
            query.setString(1, sipUri);
            query.setInt(2, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    AuditEntry saved = new AuditEntry(
                            sipUri,
                            rows.getTimestamp("at").toInstant(),
                            rows.getString("change"),
                            rows.getString("cause"));
                    if (!entries.subList(0, pending).contains(saved)) {
                        entries.add(saved);
                    }
                }
            }
        }
        return entries.size() <= limit ? entries : entries.subList(0, limit);
    }

    static String encodeAgentState(AgentState state) {
        if (state instanceof AgentState.NotReady notReady) {
            return "NotReady:" + notReady.workMode() + ":"
                    + (notReady.reasonCode() == null ? "" : notReady.reasonCode());
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

    /**
     * Commits what was written so far (and given to {@link #saveSoon}), then stops the writer; the database stays open (its owner closes it). Writes still
     * waiting for an unreachable database fail as not saved.
     */
    @Override
    public void close() {
        closed = true;
        writes.add(new Write(null, null, null, null, null));
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
