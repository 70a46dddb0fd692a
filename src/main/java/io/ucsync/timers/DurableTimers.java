package io.ucsync.timers;

import io.ucsync.state.Partitioning;
import io.ucsync.state.StateDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-shot timers per worker (the NotReady window after a declined preview) that survive a kill -9.
 * <p>
 * They live in Quartz schedulers with a JDBC job store in the state database (its QRTZ_ tables, made by its
 * migrations; an H2 file by default, or PostgreSQL), not in camel-quartz routes: camel-quartz has no one-shot
 * "fire at" endpoint and deletes a route's triggers when the route stops, so a route reload would lose them. A timer
 * whose time passed while ucsync was down fires as soon as it starts again.
 * <p>
 * One scheduler per partition ({@link Partitioning}), run by the node that owns the partition: its timers move with
 * it. In a cluster each is a clustered Quartz scheduler (its instance named by the node), so that the timers of a node
 * that died are recovered by the next owner's scheduler, and Quartz's own row locks keep two schedulers of one
 * partition from firing one timer twice.
 */
public final class DurableTimers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DurableTimers.class);
    private static final AtomicInteger DATA_SOURCES = new AtomicInteger();
    /** Partition 0's scheduler keeps the name of the one scheduler of a ucsync from before partitions: its timers fire. */
    private static final String SCHEDULER_NAME = "ucsync-timers";

    private final StateDatabase database;
    private final Partitioning partitioning;
    private final String clusterNodeId;
    private final Consumer<FiredTimer> listener;
    private final String dataSource;
    private final Map<Integer, Scheduler> running = new ConcurrentHashMap<>();

    /**
     * @param database      the state database, whose connections the job stores share
     * @param clusterNodeId this node's id in a cluster (its Quartz instance id), or null for a node alone
     * @param listener      called on a Quartz thread when a timer fires
     */
    public DurableTimers(
            StateDatabase database, Partitioning partitioning, String clusterNodeId, Consumer<FiredTimer> listener) {
        this.database = database;
        this.partitioning = partitioning;
        this.clusterNodeId = clusterNodeId;
        this.listener = listener;
        // Quartz looks its data sources up by name in one registry per JVM: a name of its own for each ucsync
        this.dataSource = "ucsync-timers-" + DATA_SOURCES.incrementAndGet();
        DBConnectionManager.getInstance()
                .addConnectionProvider(dataSource, new SharedConnections(database.dataSource()));
    }

    /**
     * Starts the scheduler of a partition this node now owns: its timers whose time passed fire at once, so start it
     * only when the listener can take them. A scheduler stopped before is made anew (Quartz cannot restart one).
     */
    public void start(int partition) throws SchedulerException {
        Scheduler scheduler = new StdSchedulerFactory(properties(partition)).getScheduler();
        scheduler.getContext().put(TimerFiredJob.LISTENER_KEY, listener);
        scheduler.start();
        running.put(partition, scheduler);
    }

    private Properties properties(int partition) {
        Properties properties = new Properties();
        properties.setProperty(
                "org.quartz.scheduler.instanceName",
                partition == 0 ? SCHEDULER_NAME : SCHEDULER_NAME + "-" + partition);
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.threadCount", "1");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.setProperty(
                "org.quartz.jobStore.driverDelegateClass",
                database.kind() == StateDatabase.Kind.POSTGRESQL
                        ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
                        : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        properties.setProperty("org.quartz.jobStore.dataSource", dataSource);
        properties.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // after the database was unreachable, look for due timers again within a second (Quartz's default: 15 s)
        properties.setProperty("org.quartz.jobStore.dbRetryInterval", "1000");
        // look for due timers every second (Quartz's default: 30 s): a timer is taken (ACQUIRED) only just before it is
        // due, so one that a dying node had not taken yet fires on time on the next owner
        properties.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
        if (clusterNodeId != null) {
            properties.setProperty("org.quartz.jobStore.isClustered", "true");
            properties.setProperty("org.quartz.scheduler.instanceId", clusterNodeId);
            properties.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        }
        return properties;
    }

    /** Stops the scheduler of a partition this node no longer owns; its timers stay in the store for the next owner. */
    public void stop(int partition) {
        Scheduler scheduler = running.remove(partition);
        if (scheduler != null) {
            try {
                scheduler.shutdown(false);
            } catch (SchedulerException e) {
                LOG.warn("timers of partition {}: {}", partition, e.getMessage());
            }
        }
    }

    /** Sets (or moves) the timer of this kind for this worker, in the scheduler of the worker's partition. */
    public void schedule(String kind, String workerKey, Instant fireAt) throws SchedulerException {
        JobKey key = JobKey.jobKey(workerKey, kind);
        JobDetail job = JobBuilder.newJob(TimerFiredJob.class).withIdentity(key).build();
        Trigger trigger = TriggerBuilder.newTrigger()
                .forJob(key)
                .withIdentity(workerKey, kind)
                .startAt(Date.from(fireAt))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        schedulerOf(workerKey).scheduleJob(job, Set.of(trigger), true);
        LOG.info("timer {} for {} set for {}", kind, workerKey, fireAt);
    }

    /** Removes the timer of this kind for this worker; true when there was one. */
    public boolean cancel(String kind, String workerKey) throws SchedulerException {
        return schedulerOf(workerKey).deleteJob(JobKey.jobKey(workerKey, kind));
    }

    private Scheduler schedulerOf(String workerKey) throws SchedulerException {
        int partition = partitioning.of(workerKey);
        Scheduler scheduler = running.get(partition);
        if (scheduler == null) {
            throw new SchedulerException(
                    "the timers of partition " + partition + " (" + workerKey + ") are not run by this node");
        }
        return scheduler;
    }

    /**
     * How many timers wait to fire in the partitions this node owns (one that is firing now included): a query per
     * partition, not per timer, since the dashboard and every metrics scrape count them.
     */
    public int pendingCount() throws SchedulerException {
        int count = 0;
        for (Scheduler scheduler : running.values()) {
            count += scheduler.getTriggerKeys(GroupMatcher.anyTriggerGroup()).size();
        }
        return count;
    }

    /** The worker's timers waiting to fire, if this node owns the worker's partition: a query per kind of timer. */
    public List<PendingTimer> pendingOf(String workerKey) throws SchedulerException {
        List<PendingTimer> pending = new ArrayList<>();
        Scheduler scheduler = running.get(partitioning.of(workerKey));
        if (scheduler != null) {
            for (String kind : scheduler.getTriggerGroupNames()) {
                Trigger trigger = scheduler.getTrigger(TriggerKey.triggerKey(workerKey, kind));
                if (trigger != null && trigger.getNextFireTime() != null) {
                    pending.add(new PendingTimer(
                            kind, workerKey, trigger.getNextFireTime().toInstant()));
                }
            }
        }
        return pending;
    }

    /**
     * Quartz's connections: the state database's pool, which the worker store shares. Quartz's shutdown leaves the pool
     * open: the database's owner closes it.
     */
    private record SharedConnections(DataSource pool) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public void initialize() {
            // the pool is open already
        }

        @Override
        public void shutdown() {
            // the pool is not Quartz's to close
        }
    }

    /** Stops firing; timers stay in the store and fire after the next start. */
    @Override
    public void close() {
        for (Integer partition : List.copyOf(running.keySet())) {
            stop(partition);
        }
    }
}
