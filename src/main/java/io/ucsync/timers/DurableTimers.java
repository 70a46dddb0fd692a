package io.ucsync.timers;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
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
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ucsync.state.StateDatabase;

/**
 * One-shot timers per worker (the NotReady window after a declined preview) that survive a kill -9.
 * <p>
 * They live in a Quartz scheduler of their own with a JDBC job store in the state database (its QRTZ_ tables, made by
 * its migrations; an H2 file by default, or PostgreSQL), not in camel-quartz routes: camel-quartz has no one-shot
 * "fire at" endpoint and deletes a route's triggers when the route stops, so a route reload would lose them. A timer
 * whose time passed while ucsync was down fires as soon as it starts again.
 */
public final class DurableTimers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DurableTimers.class);
    private static final AtomicInteger DATA_SOURCES = new AtomicInteger();

    private final Scheduler scheduler;

    /**
     * @param database the state database, whose connections the job store shares
     * @param listener called on a Quartz thread when a timer fires, once {@link #start()} was called
     */
    public DurableTimers(StateDatabase database, Consumer<FiredTimer> listener) throws SchedulerException {
        // Quartz looks its data sources up by name in one registry per JVM: a name of its own for each scheduler
        String dataSource = "ucsync-timers-" + DATA_SOURCES.incrementAndGet();
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, new SharedConnections(database.dataSource()));
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "ucsync-timers");
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.threadCount", "2");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.setProperty("org.quartz.jobStore.driverDelegateClass", database.kind() == StateDatabase.Kind.POSTGRESQL
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        properties.setProperty("org.quartz.jobStore.dataSource", dataSource);
        properties.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // after the database was unreachable, look for due timers again within a second (Quartz's default: 15 s)
        properties.setProperty("org.quartz.jobStore.dbRetryInterval", "1000");
        StdSchedulerFactory factory = new StdSchedulerFactory(properties);
        scheduler = factory.getScheduler();
        scheduler.getContext().put(TimerFiredJob.LISTENER_KEY, listener);
    }

    /**
     * Starts firing: timers whose time passed while ucsync was down fire at once, so start only when the listener
     * can take them. Timers can be set before.
     */
    public void start() throws SchedulerException {
        scheduler.start();
    }

    /** Sets (or moves) the timer of this kind for this worker. */
    public void schedule(String kind, String workerKey, Instant fireAt) throws SchedulerException {
        JobKey key = JobKey.jobKey(workerKey, kind);
        JobDetail job = JobBuilder.newJob(TimerFiredJob.class).withIdentity(key).build();
        Trigger trigger = TriggerBuilder.newTrigger().forJob(key).withIdentity(workerKey, kind).startAt(Date.from(fireAt))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build();
        scheduler.scheduleJob(job, Set.of(trigger), true);
        LOG.info("timer {} for {} set for {}", kind, workerKey, fireAt);
    }

    /** Removes the timer of this kind for this worker; true when there was one. */
    public boolean cancel(String kind, String workerKey) throws SchedulerException {
        return scheduler.deleteJob(JobKey.jobKey(workerKey, kind));
    }

    /** Every timer waiting to fire. */
    public List<PendingTimer> pending() throws SchedulerException {
        List<PendingTimer> pending = new ArrayList<>();
        for (String kind : scheduler.getJobGroupNames()) {
            for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(kind))) {
                for (Trigger trigger : scheduler.getTriggersOfJob(key)) {
                    if (trigger.getNextFireTime() != null) {
                        pending.add(new PendingTimer(kind, key.getName(), trigger.getNextFireTime().toInstant()));
                    }
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
    public void close() throws SchedulerException {
        scheduler.shutdown(true);
    }
}
