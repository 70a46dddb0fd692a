package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.peers.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A UC pool of two front ends (two front-end emulators) in one {@code server} list: the agent uses the first, and
 * when it stops or answers 503 moves to the second and makes everything again there (registration, every
 * subscription, ucsync's publications), logging one WARN and one INFO. It goes back to the first only when the
 * second fails, and never sooner than the first's Retry-After.
 */
class FrontEndFailoverTest {

    private static final String ALICE = "sip:alice@ucsync.test";
    private static final String BOB = "sip:bob@ucsync.test";
    private static final String UCSYNC = "sip:ucsync@ucsync.test";
    /** Keep-alive 1 s, an unanswered request given up after 2 s: a failure shows within about 3 s. */
    private static final String FAST_FAILOVER =
            "&keepAliveInterval=1&requestTimeout=2000&retryInitialDelay=200&retryMaxDelay=1000";

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static FrontEndEmulator frontEnd(String transport) {
        FrontEndEmulator emulator = FrontEndEmulator.start(
                FrontEndEmulatorConfig.builder().transport(transport).build());
        // the pool's users, as every front end of a pool knows them
        emulator.presence(ALICE, 3500, null, PresenceSource.USER);
        emulator.presence(BOB, 3500, null, PresenceSource.USER);
        return emulator;
    }

    private static String address(FrontEndEmulator emulator) {
        return "127.0.0.1:" + emulator.port();
    }

    /** A connector watching Alice and Bob on the pool into mock:presence, publishing from direct:publish. */
    private static CamelContext connector(String transport, String options, FrontEndEmulator... pool) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        String servers =
                java.util.Arrays.stream(pool).map(FrontEndFailoverTest::address).collect(Collectors.joining(","));
        String uri = "sip-presence:pool?server=" + servers + "&transport=" + transport + "&user=" + UCSYNC + options;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri + "&watch=" + ALICE + "," + BOB).routeId("presence-in").to("mock:presence");
                // the routes name only the pool; the agent is the one configured above
                from("direct:publish").routeId("publish").to("sip-presence:pool");
            }
        });
        return camel;
    }

    private static SipPresenceAgent agent(CamelContext camel) {
        return camel.getComponent("sip-presence", SipPresenceComponent.class).agent("pool");
    }

    private static Set<String> watchedBy(FrontEndEmulator emulator, String watcher) {
        return emulator.subscriptions().stream()
                .filter(s -> s.watcher().equals(watcher))
                .map(FrontEndEmulator.SubscriptionInfo::target)
                .collect(Collectors.toSet());
    }

    private static Presence lastOf(MockEndpoint mock, String worker) {
        List<Presence> presences = mock.getExchanges().stream()
                .map(e -> e.getMessage().getBody(Presence.class))
                .filter(p -> p.sipUri().equals(worker))
                .toList();
        return presences.isEmpty() ? null : presences.get(presences.size() - 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "tcp"})
    void when_the_first_front_end_stops_everything_is_made_again_on_the_second(String transport) throws Exception {
        FrontEndEmulator first = frontEnd(transport);
        try (FrontEndEmulator second = frontEnd(transport);
                LogCapture sipLog = LogCapture.of("io.ucsync.sip");
                LogCapture stackLog = LogCapture.of("gov.nist");
                CamelContext camel = connector(transport, FAST_FAILOVER + "&register=true", first, second)) {
            MockEndpoint presences = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            await().atMost(WAIT).until(() -> watchedBy(first, UCSYNC).equals(Set.of(ALICE, BOB)));
            Exchange published = camel.createProducerTemplate()
                    .request(
                            "direct:publish",
                            e -> e.getMessage()
                                    .setBody(PresencePublication.publish(
                                            ALICE, Availability.DO_NOT_DISTURB, "on-the-phone")));
            assertThat(published.getException()).isNull();
            assertThat(first.publications(ALICE))
                    .extracting(FrontEndEmulator.Publication::availability)
                    .containsExactly(9500);
            assertThat(watchedBy(second, UCSYNC)).isEmpty();

            long stopped = System.nanoTime();
            first.close();
            await("every subscription made again on the second front end")
                    .atMost(WAIT)
                    .until(() -> watchedBy(second, UCSYNC).equals(Set.of(ALICE, BOB)));
            long movedMillis = (System.nanoTime() - stopped) / 1_000_000;
            System.out.println("BENCH frontend-failover-" + transport + " " + movedMillis + " ms");

            await("the publication held before the failover is on the second front end")
                    .atMost(WAIT)
                    .until(() -> second.publications(ALICE).size() == 1);
            assertThat(second.publications(ALICE))
                    .as("published afresh there: version 0 accepted, now 1")
                    .containsExactly(new FrontEndEmulator.Publication(ALICE, 2, 1100, 1, 9500, "on-the-phone"));
            assertThat(agent(camel).isRegistered()).isTrue();

            second.presence(BOB, 6500, "in-a-meeting", PresenceSource.CALENDAR);
            await("a presence changed on the second front end arrives")
                    .atMost(WAIT)
                    .until(() -> lastOf(presences, BOB) != null
                            && lastOf(presences, BOB).availability() == Availability.BUSY);

            SipServerStatus status = agent(camel).serverStatus();
            assertThat(status.server()).isEqualTo(address(second));
            assertThat(status.reachable()).isTrue();
            assertThat(status.previous()).isEqualTo(address(first));
            assertThat(status.leftBecause()).startsWith("OPTIONS");
            assertThat(sipLog.lines())
                    .filteredOn(line -> line.startsWith("WARN"))
                    .as("one WARN for the outage, naming the server and the reason, none per worker")
                    .hasSize(1)
                    .allSatisfy(line -> assertThat(line)
                            .contains("server " + address(first) + " unreachable (OPTIONS")
                            .contains("trying " + address(second)));
            assertThat(sipLog.linesWith("INFO", "up on server " + address(second)))
                    .hasSize(1);
            assertThat(stackLog.lines())
                    .as("nothing of the SIP stack's own at INFO or above")
                    .isEmpty();
        }
    }

    @Test
    void a_503_moves_the_agent_which_stays_until_the_second_fails_and_honours_retry_after() throws Exception {
        try (FrontEndEmulator first = frontEnd("tcp");
                FrontEndEmulator second = frontEnd("tcp");
                LogCapture sipLog = LogCapture.of("io.ucsync.sip");
                CamelContext camel = connector("tcp", FAST_FAILOVER, first, second)) {
            MockEndpoint presences = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            await().atMost(WAIT).until(() -> watchedBy(first, UCSYNC).equals(Set.of(ALICE, BOB)));

            Instant refused = Instant.now();
            first.unavailable(8);
            await("moved to the second front end on the 503")
                    .atMost(WAIT)
                    .until(() -> watchedBy(second, UCSYNC).equals(Set.of(ALICE, BOB)));
            SipServerStatus status = agent(camel).serverStatus();
            assertThat(status.server()).isEqualTo(address(second));
            assertThat(status.leftBecause()).isEqualTo("OPTIONS answered 503 Service unavailable (Retry-After 8 s)");

            // the first one serves again, but the agent stays where it is while that answers
            first.available();
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> agent(camel).serverStatus().server().equals(address(second)));

            second.close();
            await("back on the first front end once the second failed")
                    .atMost(WAIT)
                    .until(() -> agent(camel).serverStatus().server().equals(address(first))
                            && agent(camel).serverStatus().reachable());
            await().atMost(WAIT)
                    .until(() ->
                            agent(camel).subscriptionStates().values().stream().allMatch("ACTIVE"::equals));
            Instant resubscribed = first.subscriptions().stream()
                    .map(FrontEndEmulator.SubscriptionInfo::expires)
                    .max(Instant::compareTo)
                    .orElseThrow()
                    .minusSeconds(3600);
            assertThat(resubscribed)
                    .as("not asked again before its Retry-After")
                    .isAfter(refused.plusSeconds(8));

            first.presence(ALICE, 15500, null, PresenceSource.USER);
            await().atMost(WAIT)
                    .until(() -> lastOf(presences, ALICE) != null
                            && lastOf(presences, ALICE).availability() == Availability.AWAY);
            assertThat(sipLog.lines())
                    .filteredOn(line -> line.startsWith("WARN"))
                    .as("one WARN per server that failed")
                    .hasSize(2);
        }
    }
}
