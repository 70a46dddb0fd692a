package io.ucsync.timers;

import java.util.function.Consumer;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz job behind every durable timer. Quartz creates it from the job store, possibly in a process
 * that started after the timer was set, so it finds the listener in the scheduler context, not in a field.
 */
public final class TimerFiredJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(TimerFiredJob.class);
    static final String LISTENER_KEY = "io.ucsync.timers.listener";

    @Override
    @SuppressWarnings("unchecked")
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            Consumer<FiredTimer> listener =
                    (Consumer<FiredTimer>) context.getScheduler().getContext().get(LISTENER_KEY);
            JobKey key = context.getJobDetail().getKey();
            LOG.info(
                    "timer {} for {} fired (due {})",
                    key.getGroup(),
                    key.getName(),
                    context.getScheduledFireTime().toInstant());
            listener.accept(new FiredTimer(
                    key.getGroup(),
                    key.getName(),
                    context.getScheduledFireTime().toInstant()));
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}
