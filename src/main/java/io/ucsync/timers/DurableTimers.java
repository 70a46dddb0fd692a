package io.ucsync.timers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-shot timers per worker (the NotReady window after a declined preview) that survive a kill -9.
 * <p>
 * They live in a Quartz scheduler of their own with a JDBC job store (H2 file by default), not in
 * camel-quartz routes: camel-quartz has no one-shot "fire at" endpoint and deletes a route's triggers
 * when the route stops, so a route reload would lose them. A timer whose time passed while ucsync was
 * down fires as soon as it starts again.
 */
public final class DurableTimers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DurableTimers.class);

    private final Scheduler scheduler;

    /**
     * @param jdbcUrl  an H2 JDBC URL for the job store (its QRTZ_ tables are created if missing)
     * @param listener called on a Quartz thread when a timer fires, once {@link #start()} was called
     */
    public DurableTimers(String jdbcUrl, Consumer<FiredTimer> listener) throws SchedulerException {
        createSchemaIfMissing(jdbcUrl);
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "ucsync-timers");
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.threadCount", "2");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        properties.setProperty("org.quartz.jobStore.dataSource", "timers");
        properties.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        properties.setProperty("org.quartz.dataSource.timers.connectionProvider.class", H2ConnectionProvider.class.getName());
        properties.setProperty("org.quartz.dataSource.timers.url", jdbcUrl);
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

    private static void createSchemaIfMissing(String jdbcUrl) throws SchedulerException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "sa", "")) {
            try (ResultSet tables = connection.getMetaData().getTables(null, null, "QRTZ_JOB_DETAILS", null)) {
                if (tables.next()) {
                    return;
                }
            }
            try (InputStream script = Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_h2.sql");
                 Statement statement = connection.createStatement()) {
                String sql = new String(script.readAllBytes(), StandardCharsets.UTF_8);
                for (String command : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                    if (!command.isBlank() && !command.strip().toUpperCase().startsWith("COMMIT")) {
                        statement.execute(command);
                    }
                }
            }
        } catch (SQLException | IOException e) {
            throw new SchedulerException("cannot create the Quartz tables in " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /** Stops firing; timers stay in the store and fire after the next start. */
    @Override
    public void close() throws SchedulerException {
        scheduler.shutdown(true);
    }
}
