package io.ucsync.sip;

import static org.awaitility.Awaitility.await;

import io.ucsync.bench.Bench;
import io.ucsync.sip.peers.SippPeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How many notifications per second the consumer absorbs over loopback UDP, and the same SIPp load against SIPp
 * as the ceiling. Run: {@code mvn -o test -Dtest=NotificationThroughputBenchmark -Dsurefire.excludedGroups=}.
 * It prints figures; it asserts nothing about speed.
 */
@Tag("benchmark")
@ExtendWith(Bench.class)
class NotificationThroughputBenchmark {

    /** Subscriptions (SIPp calls) in parallel; each gets 100 notifications. */
    private static final int DIALOGS = Integer.getInteger("bench.dialogs", 500);

    private static final int PER_DIALOG = 100;
    /** SIP stack threads (listenerThreads); 1 keeps notifications in order. */
    private static final int LISTENER_THREADS = Integer.getInteger("bench.listenerThreads", 1);

    @Test
    void notify_closed_loop_into_the_consumer_and_sipp_to_sipp() throws Exception {
        Rate warmUp =
                consumerRate("notify_load.xml", DIALOGS, false); // the JIT compiler would compete with the measure
        Rate ucsync = consumerRate("notify_load.xml", DIALOGS, false);
        double ceiling = sippToSippRate();
        System.out.printf(
                "BENCHMARK NOTIFY closed loop, %d dialogs x %d: ucsync consumer %.0f/s, SIPp->SIPp %.0f/s, ratio %.2f%n",
                DIALOGS, PER_DIALOG, ucsync.perSecond(), ceiling, ucsync.perSecond() / ceiling);
        Bench.report("sip.consumer", Math.round(ucsync.perSecond()), "NOTIFY/s");
        Bench.report("sip.sipp-ceiling", Math.round(ceiling), "NOTIFY/s");
        Bench.sipStackDropped("consumer", warmUp.stackDropped() + ucsync.stackDropped());
    }

    @Test
    void benotify_open_loop_into_the_consumer() throws Exception {
        Rate warmUp = consumerRate("mspres_paced.xml", DIALOGS, true);
        Rate ucsync = consumerRate("mspres_paced.xml", DIALOGS, true);
        System.out.printf(
                "BENCHMARK BENOTIFY open loop, %d dialogs x %d, one per 50 ms and dialog (%d/s offered):"
                        + " ucsync consumer %.0f/s%n",
                DIALOGS, PER_DIALOG, DIALOGS * 20, ucsync.perSecond());
        Bench.report("sip.consumer.benotify", Math.round(ucsync.perSecond()), "BENOTIFY/s");
        Bench.sipStackDropped("consumer.benotify", warmUp.stackDropped() + ucsync.stackDropped());
    }

    /** Notifications per second through the consumer, and what ucsync's SIP stack dropped meanwhile. */
    private record Rate(double perSecond, long stackDropped) {}

    private static Rate consumerRate(String scenario, int dialogs, boolean lossy) throws Exception {
        int expected = dialogs * PER_DIALOG;
        AtomicInteger delivered = new AtomicInteger();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        // Steady state: from the 10th to the 90th percent of the notifications, leaving out the subscribing.
        AtomicLong tenth = new AtomicLong();
        AtomicLong ninetieth = new AtomicLong();
        // CPU time of this JVM over the same window: a figure other processes on the machine do not change.
        AtomicLong cpuAtTenth = new AtomicLong();
        AtomicLong cpuAtNinetieth = new AtomicLong();
        List<String> workers = IntStream.range(0, dialogs)
                .mapToObj(i -> "sip:worker" + i + "@example.com")
                .toList();
        try (SippPeer sipp = SippPeer.scenario(scenario)
                        .calls(dialogs)
                        .timeoutSeconds(300)
                        .noTrace()
                        .startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // one subscription per worker, as the scenarios play one dialog per SIPp call
                    from("sip-presence:bench?server=" + sipp.address() + "&dialect=mspres&user=sip:ucsync@example.com"
                                    + "&batchSubscribe=false&listenerThreads=" + LISTENER_THREADS
                                    + System.getProperty("bench.options", ""))
                            .process(exchange -> {
                                long now = System.nanoTime();
                                first.compareAndSet(0, now);
                                last.set(now);
                                int n = delivered.incrementAndGet();
                                if (n == expected / 10) {
                                    tenth.set(now);
                                    cpuAtTenth.set(jvmCpuNanos());
                                } else if (n == expected * 9 / 10) {
                                    ninetieth.set(now);
                                    cpuAtNinetieth.set(jvmCpuNanos());
                                }
                            });
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("bench");
            agent.watch(workers);
            // Done when all arrived, or nothing arrived for 3 s (open loop: the rest was lost).
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> delivered.get() >= expected
                            || (delivered.get() > 0 && System.nanoTime() - last.get() > 3_000_000_000L));
            if (!lossy && delivered.get() < expected) {
                System.out.println("BENCHMARK stalled at " + delivered.get() + "\n" + sipp.output());
                Thread.getAllStackTraces().forEach((t, stack) -> {
                    if (t.getName().contains("bench")) {
                        System.out.println("THREAD " + t.getName() + " " + t.getState());
                        for (int i = 0; i < Math.min(12, stack.length); i++) {
                            System.out.println("    at " + stack[i]);
                        }
                    }
                });
            }
            double seconds = (last.get() - first.get()) / 1e9;
            double steady = ninetieth.get() == 0
                    ? delivered.get() / seconds
                    : expected * 0.8 / ((ninetieth.get() - tenth.get()) / 1e9);
            double cpuMicrosEach = ninetieth.get() == 0
                    ? Double.NaN
                    : (cpuAtNinetieth.get() - cpuAtTenth.get()) / 1e3 / (expected * 0.8);
            System.out.printf(
                    "BENCHMARK %s: %d of %d delivered in %.2f s (%.0f/s overall, %.0f/s from 10%% to 90%%,"
                            + " %.1f us of JVM CPU each)%n",
                    scenario, delivered.get(), expected, seconds, delivered.get() / seconds, steady, cpuMicrosEach);
            long dropped = agent.stackCounters().dropped();
            agent.unwatch(workers);
            return new Rate(steady, dropped);
        }
    }

    private static long jvmCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }

    private static double sippToSippRate() throws Exception {
        try (SippPeer server = SippPeer.scenario("notify_load.xml")
                .calls(DIALOGS)
                .timeoutSeconds(300)
                .noTrace()
                .startServer()) {
            long start = System.nanoTime();
            try (SippPeer client = SippPeer.scenario("subscriber_load.xml")
                    .calls(DIALOGS)
                    .rate(10_000, DIALOGS)
                    .timeoutSeconds(300)
                    .noTrace()
                    .startClient(server.address())) {
                int exit = client.awaitExit(Duration.ofMinutes(5));
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        "BENCHMARK SIPp->SIPp: exit %d, %d NOTIFYs in %.2f s%n", exit, DIALOGS * PER_DIALOG, seconds);
                return DIALOGS * PER_DIALOG / seconds;
            }
        }
    }
}
