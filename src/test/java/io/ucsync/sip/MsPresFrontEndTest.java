package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.sip.peers.SippPeer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The MS-PRES subscriber against SIPp scripted as a Lync front end (scenarios in src/test/resources/sipp/). */
class MsPresFrontEndTest {

    private static final String WORKER = "sip:alice@example.com";

    private static String uri(SippPeer sipp, String options) {
        return "sip-presence:lync?server=" + sipp.address() + "&dialect=mspres&user=sip:ucsync@example.com"
                + "&retryInitialDelay=200&retryMaxDelay=1000" + options;
    }

    /** A route watching the workers on SIPp into mock:presence, which is returned; the context is not started. */
    private static MockEndpoint watchInto(CamelContext camel, SippPeer sipp, String options, List<String> workers)
            throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(sipp, options + "&watch=" + String.join(",", workers))).to("mock:presence");
            }
        });
        return camel.getEndpoint("mock:presence", MockEndpoint.class);
    }

    /** Each presence received, as (worker, availability). */
    private static List<Tuple> workersAndAvailabilities(MockEndpoint mock) {
        return mock.getExchanges().stream()
                .map(e -> e.getMessage().getBody(Presence.class))
                .map(p -> tuple(p.sipUri(), p.availability()))
                .toList();
    }

    @Test
    void benotifies_a_notify_and_the_piggybacked_first_notify_become_presences_in_order() throws Exception {
        try (SippPeer sipp = SippPeer.scenario("mspres_benotify.xml").startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(sipp, "&watch=" + WORKER)).routeId("presence-in").to("mock:presence");
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            mock.expectedMessageCount(5);
            camel.start();

            mock.assertIsSatisfied(10_000);
            List<Presence> presences = mock.getExchanges().stream()
                    .map(e -> e.getMessage().getBody(Presence.class))
                    .toList();
            assertThat(presences).extracting(Presence::sipUri).containsOnly(WORKER);
            assertThat(presences)
                    .extracting(Presence::availability)
                    .containsExactly(
                            Availability.ONLINE,
                            Availability.BUSY,
                            Availability.BUSY,
                            Availability.AWAY,
                            Availability.DO_NOT_DISTURB);
            assertThat(presences)
                    .extracting(Presence::activity)
                    .containsExactly(null, "on-the-phone", "in-a-meeting", null, "in-a-conference");
            assertThat(presences)
                    .extracting(Presence::source)
                    .containsExactly(
                            PresenceSource.AGGREGATE,
                            PresenceSource.USER,
                            PresenceSource.CALENDAR,
                            PresenceSource.MACHINE,
                            PresenceSource.PHONE);
            assertThat(mock.getExchanges())
                    .extracting(e -> e.getMessage().getHeader(SipPresenceConstants.METHOD))
                    .containsExactly("200", "BENOTIFY", "BENOTIFY", "NOTIFY", "BENOTIFY");

            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("lync");
            assertThat(agent.lastPresence(WORKER)).map(Presence::availability).contains(Availability.DO_NOT_DISTURB);
            assertThat(agent.stackServerTransactions()).isZero();
            assertThat(agent.stackDialogs()).isZero();

            agent.unwatch(List.of(WORKER));
            assertThat(sipp.awaitExit(Duration.ofSeconds(10))).as(sipp.output()).isZero();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> agent.subscriptionStates().isEmpty());
        }
    }

    @Test
    void a_subscription_the_server_ends_is_subscribed_again() throws Exception {
        try (LogCapture log = LogCapture.of(LogCapture.SIP_INTERNALS);
                SippPeer sipp =
                        SippPeer.scenario("mspres_terminate.xml").calls(2).startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(sipp, "&watch=" + WORKER)).to("mock:presence");
                }
            });
            camel.start();

            // SIPp succeeds only when each of its two calls saw a SUBSCRIBE: the second one is the re-subscription.
            assertThat(sipp.awaitExit(Duration.ofSeconds(15))).as(sipp.output()).isZero();
            assertThat(callIdsOf(sipp.messages(), "SUBSCRIBE")).hasSize(2);
            assertThat(log.linesWith("subscription to " + WORKER + " was ended by the server (deactivated)"))
                    .isNotEmpty();
        }
    }

    @Test
    void a_refresh_answered_481_makes_a_new_subscription() throws Exception {
        try (LogCapture log = LogCapture.of(LogCapture.SIP_INTERNALS);
                SippPeer sipp = SippPeer.scenario("refresh_481.xml").calls(2).startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(sipp, "&watch=" + WORKER)).to("mock:presence");
                }
            });
            camel.start();

            // Granted 2 s: refreshed after 1 s in the dialog, 481, subscribed again; twice.
            assertThat(sipp.awaitExit(Duration.ofSeconds(15))).as(sipp.output()).isZero();
            assertThat(callIdsOf(sipp.messages(), "SUBSCRIBE")).hasSize(2);
            assertThat(log.linesWith("subscription to " + WORKER + " refresh answered 481"))
                    .isNotEmpty();
        }
    }

    @Test
    void by_default_a_batched_subscription_covers_many_workers_with_one_dialog() throws Exception {
        List<String> workers = List.of("sip:w1@example.com", "sip:w2@example.com", "sip:w3@example.com");
        try (SippPeer sipp = SippPeer.scenario("mspres_batch.xml").startServer();
                CamelContext camel = new DefaultCamelContext()) {
            MockEndpoint mock = watchInto(camel, sipp, "", workers);
            mock.expectedMessageCount(4);
            camel.start();

            mock.assertIsSatisfied(10_000);
            assertThat(workersAndAvailabilities(mock))
                    .containsExactly(
                            tuple("sip:w1@example.com", Availability.ONLINE),
                            tuple("sip:w2@example.com", Availability.BUSY),
                            tuple("sip:w3@example.com", Availability.OFFLINE),
                            tuple("sip:w2@example.com", Availability.AWAY));
            assertThat(mock.getExchanges())
                    .extracting(e -> e.getMessage().getHeader(SipPresenceConstants.SUBSCRIPTION_ID))
                    .containsOnly(
                            mock.getExchanges().get(0).getMessage().getHeader(SipPresenceConstants.SUBSCRIPTION_ID));

            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("lync");
            assertThat(agent.dialogs()).isEqualTo(1);
            agent.unwatch(workers);
            assertThat(sipp.awaitExit(Duration.ofSeconds(10))).as(sipp.output()).isZero();
        }
    }

    @Test
    void a_batch_the_front_end_refuses_as_too_large_is_subscribed_in_two_smaller_ones() throws Exception {
        List<String> workers =
                List.of("sip:w1@example.com", "sip:w2@example.com", "sip:w3@example.com", "sip:w4@example.com");
        try (LogCapture log = LogCapture.of(LogCapture.SIP_INTERNALS);
                SippPeer sipp =
                        SippPeer.scenario("mspres_batch_too_large.xml").calls(3).startServer();
                CamelContext camel = new DefaultCamelContext()) {
            MockEndpoint mock = watchInto(camel, sipp, "", workers);
            mock.expectedMessageCount(4);
            camel.start();

            mock.assertIsSatisfied(10_000);
            assertThat(workersAndAvailabilities(mock))
                    .containsExactlyInAnyOrder(
                            tuple("sip:w1@example.com", Availability.ONLINE),
                            tuple("sip:w2@example.com", Availability.BUSY),
                            tuple("sip:w3@example.com", Availability.ONLINE),
                            tuple("sip:w4@example.com", Availability.BUSY));
            assertThat(log.linesWith("a batched subscription of 4 workers was refused (413", "batches of at most 2"))
                    .hasSize(1);
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("lync");
            assertThat(agent.subscriptionStates().values()).hasSize(4).containsOnly("ACTIVE");
            assertThat(agent.dialogs()).isEqualTo(2);

            agent.unwatch(workers);
            assertThat(sipp.awaitExit(Duration.ofSeconds(10))).as(sipp.output()).isZero();
        }
    }

    @Test
    void no_more_subscribes_wait_for_an_answer_at_once_than_the_limit_and_all_workers_get_subscribed()
            throws Exception {
        List<String> workers = IntStream.rangeClosed(1, 24)
                .mapToObj(i -> "sip:w" + i + "@example.com")
                .toList();
        try (SippPeer sipp = SippPeer.scenario("mspres_slow_answers.xml")
                        .calls(workers.size())
                        .startServer();
                CamelContext camel = new DefaultCamelContext()) {
            watchInto(camel, sipp, "&batchSubscribe=false&maxSubscribesInFlight=4", workers);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("lync");

            // 24 answers of 100 ms each, 4 at a time: about 0.6 s
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> agent.subscriptionStates().values().stream()
                                    .filter("ACTIVE"::equals)
                                    .count()
                            == workers.size());
            agent.unwatch(workers);
            assertThat(sipp.awaitExit(Duration.ofSeconds(15))).as(sipp.output()).isZero();
            assertThat(mostSubscribesUnansweredAtOnce(sipp.messages()))
                    .as("SUBSCRIBEs SIPp held unanswered at once")
                    .isEqualTo(4);
        }
    }

    /** The most SUBSCRIBEs SIPp had received and not yet answered at one time, from its message trace. */
    private static int mostSubscribesUnansweredAtOnce(String messages) {
        Set<String> unanswered = new LinkedHashSet<>();
        int most = 0;
        Pattern startLine = Pattern.compile("(?m)^(SUBSCRIBE sip:|SIP/2\\.0 200 )");
        Pattern callId = Pattern.compile("(?m)^Call-ID: *(\\S+)");
        for (String block : messages.split("-{20,}")) {
            Matcher start = startLine.matcher(block);
            Matcher id = callId.matcher(block);
            if (!start.find() || !id.find()) {
                continue;
            }
            if (block.contains("message received") && start.group(1).startsWith("SUBSCRIBE")) {
                unanswered.add(id.group(1));
                most = Math.max(most, unanswered.size());
            } else if (block.contains("message sent") && start.group(1).startsWith("SIP/2.0")) {
                unanswered.remove(id.group(1));
            }
        }
        return most;
    }

    @Test
    void a_consumer_that_starts_later_gets_the_latest_presence_that_arrived_without_it() throws Exception {
        try (SippPeer sipp = SippPeer.scenario("mspres_benotify.xml").startServer();
                CamelContext camel = new DefaultCamelContext()) {
            // The agent runs for the producer; the engine watches through the Java API; no consumer yet (as
            // during a route reload).
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:publish").to(uri(sipp, ""));
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("lync");
            agent.watch(List.of(WORKER));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> agent.lastPresence(WORKER)
                            .map(p -> p.availability() == Availability.DO_NOT_DISTURB)
                            .orElse(false));

            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(sipp, "")).routeId("presence-in").to("mock:presence");
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            mock.expectedMessageCount(1);
            mock.assertIsSatisfied(5_000);
            assertThat(mock.getExchanges()
                            .get(0)
                            .getMessage()
                            .getBody(Presence.class)
                            .availability())
                    .isEqualTo(Availability.DO_NOT_DISTURB);
            assertThat(mock.getExchanges().get(0).getMessage().getHeader(SipPresenceConstants.METHOD))
                    .isEqualTo(PresenceNotification.MISSED);

            agent.unwatch(List.of(WORKER));
            assertThat(sipp.awaitExit(Duration.ofSeconds(10))).as(sipp.output()).isZero();
        }
    }

    @Test
    void a_notify_for_no_subscription_is_answered_481() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:idle?server=127.0.0.1:9&dialect=simple&user=sip:ucsync@example.com")
                            .to("mock:none");
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("idle");

            try (SippPeer sipp = SippPeer.scenario("stray_notify.xml")
                    .key("worker", WORKER)
                    .startClient("127.0.0.1:" + agent.localPort())) {
                assertThat(sipp.awaitExit(Duration.ofSeconds(10)))
                        .as(sipp.output())
                        .isZero();
            }
            assertThat(agent.stackServerTransactions()).isZero();
        }
    }

    /** The distinct Call-IDs of the requests with this method that SIPp received. */
    static Set<String> callIdsOf(String messages, String method) {
        Set<String> callIds = new LinkedHashSet<>();
        for (String block : messages.split("-{20,}")) {
            String trimmed = block.substring(block.indexOf('\n') + 1).strip();
            int start = trimmed.indexOf(method + " sip:");
            if (block.contains("message received") && start >= 0) {
                Matcher m = Pattern.compile("(?m)^Call-ID: *(\\S+)").matcher(trimmed);
                if (m.find()) {
                    callIds.add(m.group(1));
                }
            }
        }
        return callIds;
    }
}
