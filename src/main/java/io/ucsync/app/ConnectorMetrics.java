package io.ucsync.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ucsync.cluster.PartitionOwnership;
import io.ucsync.dashboard.WorkerBoard;
import io.ucsync.engine.EngineMetrics;
import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.sip.SipPresenceComponent;
import io.ucsync.timers.DurableTimers;
import io.ucsync.tlib.TlibComponent;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.quartz.SchedulerException;

/**
 * ucsync's meters in Camel's Micrometer registry, which camel-main serves in Prometheus format on the management
 * port ({@code /observe/metrics}): presence changes in, requests out by type, failures by reason, the time from
 * decision to answer, and gauges of links up, subscriptions active and waiting for a retry, pending timers, workers by
 * agent state and workers in drift (read from the dashboard's board, which keeps those counts), the partitions this
 * node acts for and the nodes in its cluster.
 */
final class ConnectorMetrics implements EngineMetrics {

    private final MeterRegistry meters;
    private final Counter presences;

    private ConnectorMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.presences = Counter.builder("ucsync.presence.changes")
                .description("presences received for rostered workers")
                .register(meters);
    }

    /** Registers the gauges and returns the engine's counters, or null when Camel has no Micrometer registry. */
    static ConnectorMetrics register(
            CamelContext camel, DurableTimers timers, PartitionOwnership ownership, WorkerBoard board) {
        MeterRegistry meters = camel.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters == null) {
            return null;
        }
        for (TServerLink link : camel.getComponent("tlib", TlibComponent.class).links()) {
            Gauge.builder("ucsync.tserver.link.up", link, l -> l.state() == LinkState.UP ? 1 : 0)
                    .tag("link", link.name())
                    .description(
                            "1 while the T-Server link is up (registered and resynchronised with a primary), else 0")
                    .register(meters);
        }
        for (SipPresenceAgent agent :
                camel.getComponent("sip-presence", SipPresenceComponent.class).agents()) {
            Gauge.builder(
                            "ucsync.uc.subscriptions.active",
                            agent,
                            a -> a.subscriptionCounts().getOrDefault("ACTIVE", 0))
                    .tag("pool", agent.frontEnd())
                    .description("worker subscriptions active on the UC pool")
                    .register(meters);
            Gauge.builder(
                            "ucsync.uc.subscriptions.waiting",
                            agent,
                            a -> a.subscriptionCounts().getOrDefault("WAITING", 0))
                    .tag("pool", agent.frontEnd())
                    .description("worker subscriptions that failed and wait for their retry")
                    .register(meters);
            Gauge.builder("ucsync.uc.server.up", agent, a -> a.serverStatus().reachable() ? 1 : 0)
                    .tag("pool", agent.frontEnd())
                    .description("1 while the UC pool's server in use answers, else 0")
                    .register(meters);
            registerSipStack(meters, agent);
        }
        Gauge.builder("ucsync.timers.pending", timers, ConnectorMetrics::pendingTimers)
                .description("preview-decline windows waiting to end")
                .register(meters);
        for (int partition = 0; partition < ownership.partitioning().count(); partition++) {
            int p = partition;
            Gauge.builder("ucsync.partition.acting", ownership, o -> o.acting().contains(p) ? 1 : 0)
                    .tag("partition", String.valueOf(p))
                    .description("1 while this node acts for the partition's workers (owns it), else 0")
                    .register(meters);
        }
        Gauge.builder("ucsync.cluster.members", ownership, o -> o.members().size())
                .description("nodes in the cluster as this node sees them (1 for a node alone)")
                .register(meters);
        for (String group : WorkerBoard.agentStateGroups()) {
            Gauge.builder("ucsync.agents", board, b -> b.agents(group))
                    .tag("state", group)
                    .description(
                            "rostered workers by the agent state the T-Server reports (unknown: none reported yet)")
                    .register(meters);
        }
        Gauge.builder("ucsync.drift.workers", board, WorkerBoard::drift)
                .description("workers whose agent state differs from the one ucsync computes for them")
                .register(meters);
        return new ConnectorMetrics(meters);
    }

    /**
     * The pool's SIP stack ({@link io.ucsync.sip.SipStackCounters}: a stack that keeps up loses nothing) and its
     * SUBSCRIBEs in flight.
     */
    private static void registerSipStack(MeterRegistry meters, SipPresenceAgent agent) {
        String pool = agent.frontEnd();
        FunctionCounter.builder(
                        "ucsync.sip.stack.received",
                        agent,
                        a -> a.stackCounters().received())
                .tag("pool", pool)
                .description("SIP messages the pool's stack read")
                .register(meters);
        Gauge.builder("ucsync.sip.stack.queued", agent, a -> a.stackCounters().queued())
                .tag("pool", pool)
                .description("datagrams received that the pool's SIP stack has not read yet")
                .register(meters);
        FunctionCounter.builder(
                        "ucsync.sip.stack.removed.stuck",
                        agent,
                        a -> a.stackCounters().removedAsStuck())
                .tag("pool", pool)
                .description("datagrams the pool's SIP stack threw away unread after 8 s in its queue")
                .register(meters);
        FunctionCounter.builder(
                        "ucsync.sip.udp.receive.drops",
                        agent,
                        a -> a.stackCounters().udpReceiveDrops())
                .tag("pool", pool)
                .description("datagrams the kernel dropped before the pool's SIP stack read them (receive buffer full)")
                .register(meters);
        Gauge.builder("ucsync.sip.subscribes.in.flight", agent, SipPresenceAgent::subscribesInFlight)
                .tag("pool", pool)
                .description("SUBSCRIBEs sent to the pool and not answered yet (at most maxSubscribesInFlight)")
                .register(meters);
    }

    private static double pendingTimers(DurableTimers timers) {
        try {
            return timers.pendingCount();
        } catch (SchedulerException e) {
            return Double.NaN;
        }
    }

    @Override
    public void presenceIn() {
        presences.increment();
    }

    @Override
    public void requestSent(String tserver, String requestName) {
        meters.counter("ucsync.tserver.requests", "link", tserver, "type", requestName)
                .increment();
    }

    @Override
    public void requestAnswered(String tserver, String requestName, Duration sinceDecided) {
        Timer.builder("ucsync.tserver.request.latency")
                .description("from the engine's decision to the T-Server's answer")
                .tag("link", tserver)
                .tag("type", requestName)
                .publishPercentileHistogram()
                .register(meters)
                .record(sinceDecided);
    }

    @Override
    public void requestFailed(String tserver, String requestName, String reason) {
        meters.counter("ucsync.tserver.errors", "link", tserver, "type", requestName, "reason", reason)
                .increment();
    }
}
