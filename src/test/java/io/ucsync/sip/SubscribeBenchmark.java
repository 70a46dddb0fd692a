package io.ucsync.sip;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ucsync.bench.Bench;
import io.ucsync.bench.FrontEndEmulatorProcess;
import io.ucsync.presence.Presence;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How long 10,000 and 100,000 workers take to be subscribed: from the watch call until the front-end emulator holds
 * a live subscription for every worker and each worker's first presence has reached the consumer's route. The
 * sip-presence component runs here with its default options (over UDP, as the default run); the emulator runs in a
 * JVM of its own on the same two cores. Prints {@code subscribe.10k}, {@code subscribe.100k} and what the SIP stacks
 * of both sides dropped. Run: {@code mvn -o test -Dtest=SubscribeBenchmark -Dsurefire.excludedGroups=none}
 * ({@code -Dbench.transport=tcp}, {@code -Dbench.options=&batchSubscribe=false} for others).
 */
@Tag("benchmark")
@ExtendWith(Bench.class)
class SubscribeBenchmark {

    private static final Duration LIMIT = Duration.ofMinutes(Long.getLong("bench.minutes", 10));
    private static final String TRANSPORT = System.getProperty("bench.transport", "udp");

    @Test
    void tenThousandWorkers() throws Exception {
        subscribe(10_000, "subscribe.10k");
    }

    @Test
    void hundredThousandWorkers() throws Exception {
        subscribe(100_000, "subscribe.100k");
    }

    /** Whether every worker is subscribed on the emulator and has its first presence; says how far it is every 10 s. */
    private static boolean subscribed(
            String name,
            int workers,
            FrontEndEmulatorProcess emulator,
            Set<String> presences,
            long start,
            AtomicLong nextProgress) {
        JsonNode stats = emulator.stats();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seconds >= nextProgress.get()) {
            nextProgress.addAndGet(10);
            System.out.printf(
                    "%s: %.0f s: %,d workers in %,d subscriptions on the emulator, %,d first presences in ucsync%n",
                    name,
                    seconds,
                    stats.path("watched").asInt(),
                    stats.path("subscriptions").asInt(),
                    presences.size());
        }
        return stats.path("watched").asInt() >= workers && presences.size() == workers;
    }

    private static void subscribe(int workers, String name) throws Exception {
        List<String> uris = IntStream.rangeClosed(1, workers)
                .mapToObj(i -> String.format("sip:kw%06d@ucsync.test", i))
                .toList();
        Set<String> presences = ConcurrentHashMap.newKeySet();
        try (FrontEndEmulatorProcess emulator = FrontEndEmulatorProcess.start(TRANSPORT);
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:bench?server=127.0.0.1:" + emulator.port() + "&transport=" + TRANSPORT
                                    + "&user=sip:ucsync@ucsync.test"
                                    + System.getProperty("bench.options", ""))
                            .process(exchange -> presences.add(exchange.getMessage()
                                    .getBody(Presence.class)
                                    .sipUri()));
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("bench");
            long start = System.nanoTime();
            AtomicLong nextProgress = new AtomicLong(10);
            agent.watch(uris);
            ConditionTimeoutException unfinished = null;
            try {
                await(name)
                        .atMost(LIMIT)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> subscribed(name, workers, emulator, presences, start, nextProgress));
            } catch (ConditionTimeoutException e) {
                unfinished = e; // what the stacks dropped meanwhile is still reported
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            JsonNode stats = emulator.stats();
            SipStackCounters ucsync = agent.stackCounters();
            System.out.printf(
                    "%s: %,d workers watched for %.1f s, %,d subscriptions on the emulator; SIP stacks: ucsync read %,d"
                            + " messages and dropped %,d (%,d removed as stuck, %,d by the kernel), the emulator read %,d and dropped %,d"
                            + " (%,d removed as stuck, %,d by the kernel)%n",
                    name,
                    workers,
                    seconds,
                    stats.path("subscriptions").asInt(),
                    ucsync.received(),
                    ucsync.dropped(),
                    ucsync.removedAsStuck(),
                    ucsync.udpReceiveDrops(),
                    stats.path("received").asLong(),
                    stats.path("removedAsStuck").asLong()
                            + stats.path("udpReceiveDrops").asLong(),
                    stats.path("removedAsStuck").asLong(),
                    stats.path("udpReceiveDrops").asLong());
            Bench.sipStackDropped(
                    name,
                    ucsync.dropped()
                            + stats.path("removedAsStuck").asLong()
                            + stats.path("udpReceiveDrops").asLong());
            if (unfinished != null) {
                System.out.printf("%s: not finished: %,d first presences of %,d%n", name, presences.size(), workers);
                throw unfinished;
            }
            Bench.report(name, seconds, "s");
        }
    }
}
