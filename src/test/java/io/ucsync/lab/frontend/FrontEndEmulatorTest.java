package io.ucsync.lab.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.PresencePublication;
import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.sip.SipPresenceComponent;
import io.ucsync.sip.SipPresenceConstants;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tls.TestCertificates;
import io.ucsync.tls.TlsSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The front-end emulator against the project's sip-presence component (consumer and producer), and its control port. */
class FrontEndEmulatorTest {

    private static final String ALICE = "sip:alice@ucsync.test";
    private static final String BOB = "sip:bob@ucsync.test";
    private static final String CAROL = "sip:carol@ucsync.test";
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A connector: route "presence-in" watching the workers into mock:presence, and direct:publish to the front end. */
    private static CamelContext connector(FrontEndEmulator emulator, String transport, boolean batch, String... workers)
            throws Exception {
        CamelContext camel = new DefaultCamelContext();
        String uri = "sip-presence:uc?server=127.0.0.1:" + emulator.port() + "&transport=" + transport
                + "&user=sip:ucsync@ucsync.test&retryInitialDelay=100&retryMaxDelay=500&batchSubscribe=" + batch;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri + "&watch=" + String.join(",", workers))
                        .routeId("presence-in")
                        .to("mock:presence");
                from("direct:publish").routeId("publish").to(uri);
            }
        });
        return camel;
    }

    private static MockEndpoint presences(CamelContext camel) {
        return camel.getEndpoint("mock:presence", MockEndpoint.class);
    }

    private static List<Exchange> exchangesOf(MockEndpoint mock, String worker) {
        return mock.getExchanges().stream()
                .filter(e -> e.getMessage().getBody(Presence.class).sipUri().equals(worker))
                .toList();
    }

    private static List<Presence> presencesOf(MockEndpoint mock, String worker) {
        return exchangesOf(mock, worker).stream()
                .map(e -> e.getMessage().getBody(Presence.class))
                .toList();
    }

    private static Presence lastOf(MockEndpoint mock, String worker) {
        List<Presence> list = presencesOf(mock, worker);
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    @ParameterizedTest(name = "{0}, batched {1}")
    @CsvSource({"udp,false", "tcp,false", "udp,true", "tcp,true"})
    void presenceSetOnTheFrontEndReachesTheComponentFirstPiggybackedThenAsBenotifyInOrder(
            String transport, boolean batch) throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(
                FrontEndEmulatorConfig.builder().transport(transport).build())) {
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            emulator.presence(CAROL, 6500, "on-the-phone", PresenceSource.PHONE);
            try (CamelContext camel = connector(emulator, transport, batch, ALICE, BOB, CAROL)) {
                MockEndpoint mock = presences(camel);
                camel.start();
                await().atMost(WAIT)
                        .until(() -> List.of(ALICE, BOB, CAROL).stream()
                                .allMatch(w -> presencesOf(mock, w).size() == 1));
                assertThat(List.of(ALICE, BOB, CAROL))
                        .allSatisfy(worker -> assertThat(exchangesOf(mock, worker)
                                        .get(0)
                                        .getMessage()
                                        .getHeader(SipPresenceConstants.METHOD))
                                .as("first document piggybacked in the 200")
                                .isEqualTo("200"));
                assertThat(presencesOf(mock, ALICE).get(0))
                        .extracting(Presence::availability, Presence::source)
                        .containsExactly(Availability.ONLINE, PresenceSource.USER);
                assertThat(presencesOf(mock, BOB).get(0).availability())
                        .as("never set: offline")
                        .isEqualTo(Availability.OFFLINE);
                assertThat(presencesOf(mock, CAROL).get(0))
                        .extracting(Presence::availability, Presence::activity, Presence::source)
                        .containsExactly(Availability.BUSY, "on-the-phone", PresenceSource.PHONE);
                assertThat(emulator.subscriptions())
                        .extracting(
                                FrontEndEmulator.SubscriptionInfo::watcher, FrontEndEmulator.SubscriptionInfo::target)
                        .containsExactlyInAnyOrder(
                                tuple("sip:ucsync@ucsync.test", ALICE),
                                tuple("sip:ucsync@ucsync.test", BOB),
                                tuple("sip:ucsync@ucsync.test", CAROL));

                emulator.presence(ALICE, 6500, "in-a-meeting", PresenceSource.CALENDAR);
                emulator.presence(CAROL, 3500, null, PresenceSource.USER);
                emulator.presence(ALICE, 15500, null, PresenceSource.MACHINE);
                emulator.presence(ALICE, 9500, null, PresenceSource.USER);
                await().atMost(WAIT)
                        .until(() -> presencesOf(mock, ALICE).size() == 4
                                && presencesOf(mock, CAROL).size() == 2);
                assertThat(presencesOf(mock, ALICE))
                        .extracting(Presence::availability, Presence::activity, Presence::source)
                        .containsExactly(
                                tuple(Availability.ONLINE, null, PresenceSource.USER),
                                tuple(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR),
                                tuple(Availability.AWAY, null, PresenceSource.MACHINE),
                                tuple(Availability.DO_NOT_DISTURB, null, PresenceSource.USER));
                assertThat(lastOf(mock, CAROL).availability()).isEqualTo(Availability.ONLINE);
                assertThat(presencesOf(mock, BOB))
                        .as("a change of others does not reach Bob")
                        .hasSize(1);
                assertThat(exchangesOf(mock, ALICE).subList(1, 4))
                        .allSatisfy(e -> assertThat(e.getMessage().getHeader(SipPresenceConstants.METHOD))
                                .isEqualTo("BENOTIFY"));

                camel.stop();
                await("unsubscribed with Expires: 0")
                        .atMost(WAIT)
                        .until(() -> emulator.subscriptions().isEmpty());
            }
        }
    }

    @Test
    void ucsyncsPublicationShowsOverTheWorkersOwnPresenceUntilItIsRemoved() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp())) {
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            try (CamelContext camel = connector(emulator, "udp", false, ALICE)) {
                MockEndpoint mock = presences(camel);
                camel.start();
                await().atMost(WAIT).until(() -> presencesOf(mock, ALICE).size() == 1);

                camel.createProducerTemplate()
                        .sendBody(
                                "direct:publish",
                                PresencePublication.publish(ALICE, Availability.DO_NOT_DISTURB, "on-the-phone"));
                await().atMost(WAIT).until(() -> presencesOf(mock, ALICE).size() == 2);
                assertThat(presencesOf(mock, ALICE).get(1))
                        .extracting(Presence::availability, Presence::activity)
                        .containsExactly(Availability.DO_NOT_DISTURB, "on-the-phone");
                assertThat(emulator.publications(ALICE))
                        .containsExactly(new FrontEndEmulator.Publication(ALICE, 2, 1100, 1, 9500, "on-the-phone"));

                emulator.presence(ALICE, 6500, null, PresenceSource.USER);
                await().atMost(WAIT).until(() -> presencesOf(mock, ALICE).size() == 3);
                assertThat(presencesOf(mock, ALICE).get(2).availability())
                        .as("the publication still shows")
                        .isEqualTo(Availability.DO_NOT_DISTURB);

                camel.createProducerTemplate().sendBody("direct:publish", PresencePublication.remove(ALICE));
                await().atMost(WAIT).until(() -> presencesOf(mock, ALICE).size() == 4);
                assertThat(presencesOf(mock, ALICE).get(3))
                        .as("the worker's own presence again")
                        .extracting(Presence::availability, Presence::source)
                        .containsExactly(Availability.BUSY, PresenceSource.USER);
                assertThat(emulator.publications(ALICE)).isEmpty();
            }
        }
    }

    @Test
    void aPublicationWithAStaleVersionGets409AndTheComponentsRetryWithTheCurrentOneSucceeds() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp());
                LogCapture log = LogCapture.of(FrontEndEmulator.class.getPackageName())) {
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            try (CamelContext first = connector(emulator, "udp", false, ALICE);
                    CamelContext second = connector(emulator, "udp", false, BOB)) {
                MockEndpoint watcher = presences(first);
                first.start();
                second.start();
                await().atMost(WAIT).until(() -> presencesOf(watcher, ALICE).size() == 1);
                Exchange published = first.createProducerTemplate()
                        .request(
                                "direct:publish",
                                e -> e.getMessage()
                                        .setBody(PresencePublication.publish(
                                                ALICE, Availability.DO_NOT_DISTURB, "on-the-phone")));
                assertThat(published.getException()).isNull();
                assertThat(emulator.publications(ALICE))
                        .extracting(FrontEndEmulator.Publication::version)
                        .containsExactly(1L);

                // another connector (or this one after a restart) does not know version 1 and publishes with 0
                Exchange retried = second.createProducerTemplate()
                        .request(
                                "direct:publish",
                                e -> e.getMessage()
                                        .setBody(
                                                PresencePublication.publish(ALICE, Availability.BUSY, "on-the-phone")));
                assertThat(retried.getException()).isNull();
                assertThat(retried.getMessage().getHeader(SipPresenceConstants.STATUS_CODE))
                        .isEqualTo(200);
                assertThat(retried.getMessage().getHeader(SipPresenceConstants.PUBLICATION_TAG))
                        .isEqualTo("2");
                assertThat(log.linesWith("refused (409)", "version 0", "current one is 1"))
                        .hasSize(1);
                assertThat(emulator.publications(ALICE))
                        .containsExactly(new FrontEndEmulator.Publication(ALICE, 2, 1100, 2, 6500, "on-the-phone"));
                await().atMost(WAIT).until(() -> lastOf(watcher, ALICE).availability() == Availability.BUSY);
            }
        }
    }

    @ParameterizedTest(name = "batched {0}")
    @ValueSource(booleans = {false, true})
    void droppedSubscriptionsAreCreatedAgainAndChangesStillArrive(boolean batch) throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp())) {
            try (CamelContext camel = connector(emulator, "udp", batch, ALICE, BOB)) {
                MockEndpoint mock = presences(camel);
                camel.start();
                await().atMost(WAIT).until(() -> emulator.subscriptions().size() == 2);

                assertThat(emulator.dropSubscriptions()).isEqualTo(batch ? 1 : 2);
                assertThat(emulator.subscriptions()).isEmpty();
                await("the component subscribes again")
                        .atMost(WAIT)
                        .until(() -> emulator.subscriptions().size() == 2);
                emulator.presence(BOB, 12500, null, PresenceSource.USER);
                await().atMost(WAIT).until(() -> lastOf(mock, BOB).availability() == Availability.BE_RIGHT_BACK);
            }
        }
    }

    @Test
    void batchesAboveTheFrontEndsLimitAreRefused413AndTheComponentSubscribesInSmallerOnesFromThenOn() throws Exception {
        List<String> first = IntStream.rangeClosed(1, 8)
                .mapToObj(i -> "sip:kw" + i + "@ucsync.test")
                .toList();
        List<String> later = IntStream.rangeClosed(9, 11)
                .mapToObj(i -> "sip:kw" + i + "@ucsync.test")
                .toList();
        try (LogCapture log = LogCapture.of(FrontEndEmulator.class.getPackageName());
                FrontEndEmulator emulator = FrontEndEmulator.start(
                        FrontEndEmulatorConfig.builder().maxBatch(2).build());
                CamelContext camel = new DefaultCamelContext()) {
            emulator.presence(first.get(7), 6500, null, PresenceSource.USER);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // the component's defaults: batches, as many as 16 workers each over UDP
                    from("sip-presence:uc?server=127.0.0.1:" + emulator.port() + "&user=sip:ucsync@ucsync.test"
                                    + "&watch=" + String.join(",", first))
                            .routeId("presence-in")
                            .to("mock:presence");
                }
            });
            MockEndpoint mock = presences(camel);
            camel.start();

            // 8 refused, then its halves of 4 refused, then four batches of 2 taken
            await().atMost(WAIT).until(() -> first.stream().allMatch(w -> lastOf(mock, w) != null));
            assertThat(lastOf(mock, first.get(7)).availability()).isEqualTo(Availability.BUSY);
            assertThat(emulator.stats().subscriptions()).isEqualTo(4);
            assertThat(emulator.stats().watched()).isEqualTo(8);
            assertThat(log.linesWith("SUBSCRIBE from sip:ucsync@ucsync.test refused (413)", "at most 2 workers"))
                    .hasSize(3);

            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("uc");
            agent.watch(later);
            await().atMost(WAIT).until(() -> later.stream().allMatch(w -> lastOf(mock, w) != null));
            assertThat(emulator.stats().subscriptions())
                    .as("2 + 1, at the size the front end takes")
                    .isEqualTo(6);
            assertThat(log.linesWith("refused (413)"))
                    .as("no batch refused any more")
                    .hasSize(3);
        }
    }

    @Test
    void overTlsTheSubscriberTrustingTheFrontEndsCertificateGetsPresence(@TempDir Path certificates) throws Exception {
        TestCertificates certs = new TestCertificates(certificates);
        Path frontEndStore = certs.keyStore("frontend", "front-end.ucsync.test");
        Path trust = certs.trustStore("trust", frontEndStore);
        TlsSettings tls = new TlsSettings(
                frontEndStore, TestCertificates.PASSWORD, null, null, "PKCS12", TlsSettings.ClientAuth.NONE, false);
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.builder()
                        .transport("tls")
                        .tls(tls)
                        .build());
                CamelContext camel = new DefaultCamelContext()) {
            emulator.presence(ALICE, 6500, "on-the-phone", PresenceSource.PHONE);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:tls?server=127.0.0.1:" + emulator.port()
                                    + "&transport=tls&user=sip:ucsync@ucsync.test"
                                    + "&storeType=PKCS12&trustStore=" + trust + "&trustStorePassword="
                                    + TestCertificates.PASSWORD
                                    + "&watch=" + ALICE)
                            .routeId("presence-in")
                            .to("mock:presence");
                }
            });
            MockEndpoint mock = presences(camel);
            camel.start();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> presencesOf(mock, ALICE).size() == 1);
            assertThat(presencesOf(mock, ALICE).get(0))
                    .extracting(Presence::availability, Presence::activity)
                    .containsExactly(Availability.BUSY, "on-the-phone");
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            await().atMost(WAIT).until(() -> lastOf(mock, ALICE).availability() == Availability.ONLINE);
        }
    }

    @Test
    void controlPortRunsEachCommandAndExplainsABadOne() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(
                        FrontEndEmulatorConfig.builder().controlPort(0).build());
                CamelContext camel = connector(emulator, "udp", false, ALICE);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), emulator.controlPort());
                PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            MockEndpoint mock = presences(camel);
            camel.start();
            await().atMost(WAIT).until(() -> presencesOf(mock, ALICE).size() == 1);

            out.println("presence " + ALICE + " 6500 in-a-meeting calendar");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true}");
            await().atMost(WAIT).until(() -> presencesOf(mock, ALICE).size() == 2);
            assertThat(lastOf(mock, ALICE))
                    .extracting(Presence::availability, Presence::activity, Presence::source)
                    .containsExactly(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR);
            out.println("presence " + ALICE + " 3500 -");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true}");
            assertThat(emulator.ownPresence(ALICE))
                    .isEqualTo(new FrontEndEmulator.OwnPresence(3500, null, PresenceSource.USER));

            out.println("subscriptions");
            assertThat(in.readLine())
                    .startsWith("{\"ok\":true,\"subscriptions\":[{\"watcher\":\"sip:ucsync@ucsync.test\",\"target\":\""
                            + ALICE + "\",\"expires\":\"");
            camel.createProducerTemplate()
                    .sendBody(
                            "direct:publish",
                            PresencePublication.publish(ALICE, Availability.DO_NOT_DISTURB, "on-the-phone"));
            out.println("publications " + ALICE);
            assertThat(in.readLine())
                    .isEqualTo(
                            "{\"ok\":true,\"publications\":[{\"sipUri\":\"" + ALICE
                                    + "\",\"container\":2,\"instance\":1100,\"version\":1,\"availability\":9500,\"activity\":\"on-the-phone\"}]}");
            out.println("publications " + BOB);
            assertThat(in.readLine()).isEqualTo("{\"ok\":true,\"publications\":[]}");
            out.println("drop-subscriptions");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true,\"dropped\":1}");
            await("the component subscribes again")
                    .atMost(WAIT)
                    .until(() -> emulator.subscriptions().size() == 1);

            out.println("unavailable 2");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true}");
            emulator.presence(BOB, 3500, null, PresenceSource.USER);
            camel.createProducerTemplate()
                    .sendBody("direct:publish", PresencePublication.publish(BOB, Availability.BUSY, null));
            assertThat(emulator.publications(BOB))
                    .as("refused with 503 meanwhile")
                    .isEmpty();
            out.println("available");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true}");
            await("the held publication is made again once the front end answers, after its Retry-After")
                    .atMost(WAIT)
                    .until(() -> emulator.publications(BOB).size() == 1);
            out.println("unavailable soon");
            assertThat(in.readLine()).contains("\"ok\":false").contains("RETRY_AFTER_SECONDS is a number of seconds");

            out.println("presence " + ALICE + " online");
            assertThat(in.readLine()).contains("\"ok\":false").contains("AVAILABILITY is an MS-PRES number");
            out.println("presence " + ALICE + " 3500 - boss");
            assertThat(in.readLine()).contains("SOURCE is user, machine, calendar or phone");
            out.println("presence " + ALICE + " 3500 not/a/token");
            assertThat(in.readLine()).contains("\"ok\":false").contains("activity token is not a token");
            out.println("publications");
            assertThat(in.readLine()).contains("\"ok\":false").contains("'publications' takes 1 argument(s)");
            out.println("teleport");
            assertThat(in.readLine()).contains("unknown command 'teleport'").contains("commands: presence");
            out.println("subscriptions");
            assertThat(in.readLine()).as("the connection still serves").startsWith("{\"ok\":true,\"subscriptions\":[{");
        }
    }
}
