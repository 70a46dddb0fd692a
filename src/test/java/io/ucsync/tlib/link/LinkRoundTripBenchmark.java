package io.ucsync.tlib.link;

import static org.awaitility.Awaitility.await;

import io.netty.util.ResourceLeakDetector;
import io.ucsync.bench.Bench;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Link round trips per second against the emulator on loopback, with 1 and with 64 requests in flight: each a
 * RequestAgentNotReady with Reasons, answered EventAgentNotReady, on 64 logged-in agents. A measurement, not a test:
 * {@code mvn -o test -Dtest=LinkRoundTripBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
class LinkRoundTripBenchmark {

    private static final List<String> DNS =
            IntStream.range(0, 64).mapToObj(i -> String.valueOf(6000 + i)).toList();
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration MEASURE = Duration.ofSeconds(10);

    @Test
    void roundTripsPerSecond() throws Exception {
        // The test suite runs Netty's PARANOID leak detector, which records a stack trace per buffer access;
        // production runs at Netty's default level, so measure there.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try (TServerEmulator emulator = TServerEmulator.start(
                        TServerEmulatorConfig.builder().dns(DNS).build());
                TServerLink link = new TServerLink(
                        "bench", TServerLinkTest.config(emulator.port()).build(), null)) {
            DNS.forEach(link::register);
            link.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == LinkState.UP);
            for (int i = 0; i < DNS.size(); i++) {
                link.request(TServerLinkTest.login(DNS.get(i), "agent" + i, "", AgentWorkMode.ManualIn))
                        .join();
            }
            for (int inFlight : new int[] {1, 64}) {
                run(link, inFlight, WARM_UP);
                double perSecond = run(link, inFlight, MEASURE);
                System.out.printf("link round trips, %2d in flight: %,.0f requests/s%n", inFlight, perSecond);
                Bench.report("link.roundtrip." + inFlight, Math.round(perSecond), "requests/s");
            }
        }
    }

    /** Keeps {@code inFlight} requests outstanding for the duration; returns answers per second. */
    private static double run(TServerLink link, int inFlight, Duration duration) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        for (long i = 0; System.nanoTime() < end; i++) {
            slots.acquire();
            String dn = DNS.get((int) (i % DNS.size()));
            TlibMessage request = TlibMessage.create(MessageType.RequestAgentNotReady)
                    .thisDN(dn)
                    .agentWorkMode(AgentWorkMode.AuxWork)
                    .reasons(new KeyValueCollection()
                            .addString(TlibMessage.REASON_CODE_KEY, (i & 1) == 0 ? "Busy" : "Away"));
            link.request(request).whenComplete((response, error) -> {
                (error == null ? answered : failed).incrementAndGet();
                slots.release();
            });
        }
        slots.acquire(inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            System.out.printf("  (%d requests failed)%n", failed.get());
        }
        return answered.get() / seconds;
    }
}
