package io.ucsync.emulator.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.PresencePublication;
import io.ucsync.sip.SipPresenceConstants;
import io.ucsync.sip.SipTlsSettings;
import io.ucsync.sip.peers.TestCertificates;

/** The front-end emulator against the project's sip-presence component, and its control port. */
class FrontEndEmulatorTest {

    private static final String ALICE = "sip:alice@ucsync.test";
    private static final String BOB = "sip:bob@ucsync.test";

    private static CamelContext camelWatching(FrontEndEmulator emulator, String transport) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        String uri = "sip-presence:uc?server=127.0.0.1:" + emulator.port() + "&transport=" + transport
                + "&user=sip:ucsync@ucsync.test&retryInitialDelay=100&retryMaxDelay=500";
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri + "&watch=" + ALICE + "," + BOB).routeId("presence-in").to("mock:presence");
                from("direct:publish").routeId("publish").to(uri);
            }
        });
        return camel;
    }

    private static List<Presence> presencesOf(MockEndpoint mock, String worker) {
        return mock.getExchanges().stream().map(e -> e.getMessage().getBody(Presence.class))
                .filter(p -> p.sipUri().equals(worker)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = { "udp", "tcp" })
    void presenceSetOnTheFrontEndReachesTheSubscriberFirstPiggybackedThenAsBenotify(String transport) throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(new FrontEndEmulatorConfig(0, transport, -1, null))) {
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            try (CamelContext camel = camelWatching(emulator, transport)) {
                MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
                camel.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> presencesOf(mock, ALICE).size() == 1 && presencesOf(mock, BOB).size() == 1);
                assertThat(presencesOf(mock, ALICE).get(0).availability()).isEqualTo(Availability.ONLINE);
                assertThat(presencesOf(mock, BOB).get(0).availability()).as("never set: offline").isEqualTo(Availability.OFFLINE);
                assertThat(mock.getExchanges().get(0).getMessage().getHeader(SipPresenceConstants.METHOD)).isEqualTo("200");

                emulator.presence(ALICE, 6500, "in-a-meeting", PresenceSource.CALENDAR);
                emulator.presence(ALICE, 15500, null, PresenceSource.MACHINE);
                emulator.presence(ALICE, 9500, null, PresenceSource.USER);
                await().atMost(Duration.ofSeconds(10)).until(() -> presencesOf(mock, ALICE).size() == 4);
                assertThat(presencesOf(mock, ALICE)).extracting(Presence::availability, Presence::activity, Presence::source)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(Availability.ONLINE, null, PresenceSource.USER),
                                org.assertj.core.groups.Tuple.tuple(Availability.BUSY, "in-a-meeting", PresenceSource.CALENDAR),
                                org.assertj.core.groups.Tuple.tuple(Availability.AWAY, null, PresenceSource.MACHINE),
                                org.assertj.core.groups.Tuple.tuple(Availability.DO_NOT_DISTURB, null, PresenceSource.USER));
                Exchange last = mock.getExchanges().get(mock.getExchanges().size() - 1);
                assertThat(last.getMessage().getHeader(SipPresenceConstants.METHOD)).isEqualTo("BENOTIFY");
                assertThat(emulator.subscriptions()).extracting(FrontEndEmulator.SubscriptionInfo::target)
                        .containsExactlyInAnyOrder(ALICE, BOB);
            }
        }
    }

    @Test
    void ucsyncsPublicationShowsOverTheWorkersOwnPresenceUntilItIsRemoved() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp())) {
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            try (CamelContext camel = camelWatching(emulator, "udp")) {
                MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
                camel.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> presencesOf(mock, ALICE).size() == 1);

                camel.createProducerTemplate().sendBody("direct:publish", PresencePublication.publish(ALICE, Availability.DO_NOT_DISTURB, "on-the-phone"));
                await().atMost(Duration.ofSeconds(10)).until(() -> presencesOf(mock, ALICE).size() == 2);
                assertThat(presencesOf(mock, ALICE).get(1)).extracting(Presence::availability, Presence::activity)
                        .containsExactly(Availability.DO_NOT_DISTURB, "on-the-phone");
                assertThat(emulator.publications(ALICE)).singleElement()
                        .satisfies(p -> assertThat(p.availability()).isEqualTo(Availability.DO_NOT_DISTURB.msPresValue()));

                emulator.presence(ALICE, 6500, null, PresenceSource.USER);
                await().atMost(Duration.ofSeconds(10)).until(() -> presencesOf(mock, ALICE).size() == 3);
                assertThat(presencesOf(mock, ALICE).get(2).availability()).as("the publication still shows").isEqualTo(Availability.DO_NOT_DISTURB);

                camel.createProducerTemplate().sendBody("direct:publish", PresencePublication.remove(ALICE));
                await().atMost(Duration.ofSeconds(10)).until(() -> presencesOf(mock, ALICE).size() == 4);
                assertThat(presencesOf(mock, ALICE).get(3).availability()).as("the worker's own presence again").isEqualTo(Availability.BUSY);
                assertThat(emulator.publications(ALICE)).isEmpty();
            }
        }
    }

    @Test
    void droppedSubscriptionsAreCreatedAgainAndChangesStillArrive() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp())) {
            try (CamelContext camel = camelWatching(emulator, "udp")) {
                MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
                camel.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> emulator.subscriptions().size() == 2);

                assertThat(emulator.dropSubscriptions()).isEqualTo(2);
                await().atMost(Duration.ofSeconds(10)).until(() -> emulator.subscriptions().size() == 2);
                int before = presencesOf(mock, BOB).size();
                emulator.presence(BOB, 12500, null, PresenceSource.USER);
                await().atMost(Duration.ofSeconds(10)).until(() -> presencesOf(mock, BOB).size() > before
                        && presencesOf(mock, BOB).get(presencesOf(mock, BOB).size() - 1).availability() == Availability.BE_RIGHT_BACK);
            }
        }
    }

    @Test
    void overTlsTheSubscriberTrustingTheFrontEndsCertificateGetsPresence(@TempDir Path certificates) throws Exception {
        TestCertificates certs = new TestCertificates(certificates);
        Path frontEndStore = certs.keyStore("frontend", "front-end.ucsync.test");
        Path trust = certs.trustStore("trust", frontEndStore);
        SipTlsSettings tls = new SipTlsSettings(frontEndStore, TestCertificates.PASSWORD, null, null, "PKCS12",
                SipTlsSettings.ClientAuth.NONE, false);
        try (FrontEndEmulator emulator = FrontEndEmulator.start(new FrontEndEmulatorConfig(0, "tls", -1, tls));
                CamelContext camel = new DefaultCamelContext()) {
            emulator.presence(ALICE, 6500, "on-the-phone", PresenceSource.PHONE);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:tls?server=127.0.0.1:" + emulator.port() + "&transport=tls&user=sip:ucsync@ucsync.test"
                            + "&storeType=PKCS12&trustStore=" + trust + "&trustStorePassword=" + TestCertificates.PASSWORD
                            + "&watch=" + ALICE).routeId("presence-in").to("mock:presence");
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> presencesOf(mock, ALICE).size() == 1);
            assertThat(presencesOf(mock, ALICE).get(0)).extracting(Presence::availability, Presence::activity)
                    .containsExactly(Availability.BUSY, "on-the-phone");
        }
    }

    @Test
    void theCommandLineRefusesWhatItCannotUseWithTheReason() {
        assertThat(FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--transport", "tcp", "--control-port", "0"}))
                .isEqualTo(new FrontEndEmulatorConfig(0, "tcp", 0, null));
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--transport", "udp"})).hasMessageContaining("--port is required");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port"})).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "x"})).hasMessageContaining("takes a number");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--transport", "sctp"}))
                .hasMessageContaining("transport must be udp, tcp or tls");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--transport", "tls"}))
                .hasMessageContaining("needs a key store");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--colour", "blue"}))
                .hasMessageContaining("unknown option --colour");
    }

    @Test
    void controlPortRunsEachCommandAndExplainsABadOne() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(new FrontEndEmulatorConfig(0, "udp", 0, null));
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), emulator.controlPort());
                PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            out.println("presence " + ALICE + " 6500 in-a-meeting calendar");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true}");
            assertThat(emulator.ownPresence(ALICE)).isEqualTo(new FrontEndEmulator.OwnPresence(6500, "in-a-meeting", PresenceSource.CALENDAR));
            out.println("presence " + ALICE + " 3500 -");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true}");
            assertThat(emulator.ownPresence(ALICE)).isEqualTo(new FrontEndEmulator.OwnPresence(3500, null, PresenceSource.USER));
            out.println("subscriptions");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true,\"subscriptions\":[]}");
            out.println("publications " + ALICE);
            assertThat(in.readLine()).isEqualTo("{\"ok\":true,\"publications\":[]}");
            out.println("drop-subscriptions");
            assertThat(in.readLine()).isEqualTo("{\"ok\":true,\"dropped\":0}");
            out.println("presence " + ALICE + " online");
            assertThat(in.readLine()).contains("\"ok\":false").contains("AVAILABILITY is an MS-PRES number");
            out.println("presence " + ALICE + " 3500 - boss");
            assertThat(in.readLine()).contains("SOURCE is user, machine, calendar or phone");
            out.println("teleport");
            assertThat(in.readLine()).contains("unknown command 'teleport'").contains("commands: presence");
        }
    }
}
