package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.sip.peers.LogCapture;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The front end down for a minute while ucsync watches 1,000 workers and publishes for some of them: the log says
 * the outage once and the return once, nothing per retry or per worker, and none of JAIN-SIP's own lines; when the
 * front end is back (restarted on its port, having lost every subscription) all 1,000 are made again, paced, with no
 * message dropped by either SIP stack, and presence flows. The minute itself is the scenario, checked throughout with Awaitility's {@code during}.
 */
class FrontEndOutageTest {

    private static final int WORKERS = 1000;
    private static final int PUBLISHED_DURING_OUTAGE = 50;

    private static String worker(int i) {
        return String.format("sip:kw%04d@ucsync.test", i);
    }

    private static FrontEndEmulator frontEnd(int port) {
        FrontEndEmulator emulator = FrontEndEmulator.start(new FrontEndEmulatorConfig(port, "udp", -1, null));
        IntStream.rangeClosed(1, WORKERS).forEach(i -> emulator.presence(worker(i), 3500, null, PresenceSource.USER));
        return emulator;
    }

    private static long watchedBy(FrontEndEmulator emulator) {
        return emulator.subscriptions().stream()
                .filter(s -> s.watcher().equals("sip:ucsync@ucsync.test"))
                .count();
    }

    @Test
    void a_minute_without_the_front_end_is_two_log_lines_and_every_subscription_comes_back() throws Exception {
        int port = FreePorts.pick(InetAddress.getLoopbackAddress());
        FrontEndEmulator before = frontEnd(port);
        List<String> workers = IntStream.rangeClosed(1, WORKERS)
                .mapToObj(FrontEndOutageTest::worker)
                .toList();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // a single server, kept alive every 2 s so that the outage is seen while nothing else is sent
                    from("sip-presence:uc?server=127.0.0.1:" + port + "&user=sip:ucsync@ucsync.test&keepAliveInterval=2"
                                    + "&requestTimeout=8000&retryInitialDelay=500&retryMaxDelay=5000")
                            .routeId("presence-in")
                            .to("mock:presence");
                    from("direct:publish").routeId("publish").to("sip-presence:uc");
                }
            });
            MockEndpoint presences = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("uc");
            agent.watch(workers);
            await().atMost(Duration.ofSeconds(60)).until(() -> watchedBy(before) == WORKERS);

            List<String> outageLines;
            try (LogCapture sipLog = LogCapture.of("io.ucsync.sip");
                    LogCapture stackLog = LogCapture.of("gov.nist")) {
                before.close();
                List<Exchange> publications = new ArrayList<>();
                for (int i = 1; i <= PUBLISHED_DURING_OUTAGE; i++) {
                    PresencePublication publication =
                            PresencePublication.publish(worker(i), Availability.DO_NOT_DISTURB, "on-the-phone");
                    publications.add(camel.createProducerTemplate()
                            .request("direct:publish", e -> e.getMessage().setBody(publication)));
                }
                assertThat(publications)
                        .as("held until the front end answers, not failed")
                        .allSatisfy(exchange -> {
                            assertThat(exchange.getException()).isNull();
                            assertThat(exchange.getMessage().getHeader(SipPresenceConstants.STATUS_CODE))
                                    .isEqualTo(0);
                        });

                await("a minute without the front end: one line for it, none per retry or worker")
                        .during(Duration.ofMinutes(1))
                        .atMost(Duration.ofSeconds(75))
                        .until(() -> sipLog.lines().size() + stackLog.lines().size() <= 1);
                // the keep-alive or one of the publications, whichever went unanswered first
                assertThat(sipLog.lines())
                        .singleElement()
                        .asString()
                        .startsWith("WARN front end uc: server 127.0.0.1:" + port + " unreachable (")
                        .contains(" got no answer within 8000 ms); asking it again");
                assertThat(agent.serverStatus().reachable()).isFalse();
                await("the counts of subscription states, as metrics and the dashboard read them")
                        .atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(agent.subscriptionCounts())
                                .containsEntry("IDLE", WORKERS)
                                .isEqualTo(tally(agent.subscriptionStates())));

                try (FrontEndEmulator after = frontEnd(port)) {
                    await("every subscription made again")
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> watchedBy(after) == WORKERS);
                    await("the publications held meanwhile are on the front end")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> IntStream.rangeClosed(1, PUBLISHED_DURING_OUTAGE)
                                    .allMatch(i -> after.publications(worker(i)).size() == 1));
                    int received = presences.getReceivedCounter();
                    after.presence(worker(WORKERS), 15500, null, PresenceSource.USER);
                    await().atMost(Duration.ofSeconds(20))
                            .until(() ->
                                    presences.getExchanges().subList(received, presences.getReceivedCounter()).stream()
                                            .map(e -> e.getMessage().getBody(Presence.class))
                                            .anyMatch(p -> p.sipUri().equals(worker(WORKERS))
                                                    && p.availability() == Availability.AWAY));
                    assertThat(agent.subscriptionStates().values()).containsOnly("ACTIVE");
                    assertThat(agent.subscriptionCounts()).isEqualTo(Map.of("ACTIVE", WORKERS));
                    assertThat(agent.stackCounters().dropped())
                            .as("messages ucsync's SIP stack dropped")
                            .isZero();
                    assertThat(after.stats().stack().dropped())
                            .as("messages the front end's SIP stack dropped")
                            .isZero();
                }
                outageLines = new ArrayList<>(sipLog.lines());
                outageLines.addAll(stackLog.lines());
            }
            System.out.println("LOG outage of a minute with " + WORKERS + " workers: " + outageLines.size() + " lines: "
                    + outageLines);
            assertThat(outageLines).hasSize(2);
            assertThat(outageLines.get(1)).startsWith("INFO front end uc: server 127.0.0.1:" + port + " answers again");
        }
    }

    /** How many workers are in each state. */
    private static Map<String, Integer> tally(Map<String, String> states) {
        Map<String, Integer> counts = new HashMap<>();
        states.values().forEach(state -> counts.merge(state, 1, Integer::sum));
        return counts;
    }
}
