package io.ucsync.sip.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where a SIP user agent's threads come from and how they stop. The sip-presence component hands one backed by the
 * CamelContext's thread pools, so that the agent's threads are Camel's (named by its pattern, listed and stopped with
 * the context); an interface so that the user agent itself does not depend on Camel.
 * <p>
 * Every executor runs its tasks on one thread, one at a time and in the order given, and refuses tasks (rather than
 * running them on the caller's thread) once stopped. The names given show in thread dumps and JFR recordings.
 */
public interface AgentThreads {

    /** The agent thread: its tasks and timers, with room for every timer (one per subscription and publication). */
    ScheduledExecutorService newAgentThread(String name);

    /** A notification lane, with room for {@code queueSize} waiting tasks. */
    ExecutorService newLane(String name, int queueSize);

    /**
     * Stops an executor made here: lets its queued tasks run for up to {@code waitMillis}, then interrupts them; with
     * 0, drops the queued tasks and interrupts the running one at once.
     */
    void stop(ExecutorService executor, long waitMillis);
}
