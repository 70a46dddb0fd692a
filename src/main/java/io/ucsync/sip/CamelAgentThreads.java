package io.ucsync.sip;

import io.ucsync.sip.internal.AgentThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * A user agent's threads from the CamelContext's {@link ExecutorServiceManager}: named by Camel's thread name pattern
 * around the agent's own names (for example {@code Camel (ucsync) thread #7 - ucsync-sip-lync-notify-0}), listed with
 * the context's thread pools, and shut down with the context should the component not have stopped them.
 * <p>
 * Camel's defaults do not fit here and are overridden: its pools have room for 1,000 waiting tasks, where the agent
 * thread holds a timer per subscription (100,000 with as many workers); and a full or stopped pool runs the task on
 * the caller's thread, which would let a notification overtake those queued before it.
 */
final class CamelAgentThreads implements AgentThreads {

    private final ExecutorServiceManager manager;
    private final String source;

    /** {@code source} names the pools in Camel's list of thread pools. */
    CamelAgentThreads(ExecutorServiceManager manager, String source) {
        this.manager = manager;
        this.source = source;
    }

    @Override
    public ScheduledExecutorService newAgentThread(String name) {
        return manager.newScheduledThreadPool(
                source,
                name,
                new ThreadPoolProfileBuilder(name)
                        .poolSize(1)
                        .maxQueueSize(-1) // no limit
                        .allowCoreThreadTimeOut(false)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                        .build());
    }

    @Override
    public ExecutorService newLane(String name, int queueSize) {
        return manager.newThreadPool(
                source,
                name,
                new ThreadPoolProfileBuilder(name)
                        .poolSize(1)
                        .maxPoolSize(1)
                        .maxQueueSize(queueSize)
                        .allowCoreThreadTimeOut(false)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                        .build());
    }

    @Override
    public void stop(ExecutorService executor, long waitMillis) {
        if (waitMillis > 0) {
            manager.shutdownGraceful(executor, waitMillis);
        } else {
            manager.shutdownNow(executor);
        }
    }
}
