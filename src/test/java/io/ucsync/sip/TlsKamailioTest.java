package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.sip.peers.KamailioPeer;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tls.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over TLS (TLSv1.2/1.3, ECDHE-GCM or TLS 1.3 suites) against Kamailio's tls module, with certificates made by
 * keytool for the test: mutual TLS works; refused, each in one log line for the outage (the server unreachable)
 * naming the reason without a stack trace: a
 * server certificate ucsync does not trust, a trusted certificate for another host, a plain SIP port where ucsync
 * is told to use TLS; and by the server: ucsync in plain TCP at its TLS port, ucsync without a certificate where the
 * server requires one.
 */
class TlsKamailioTest {

    private static final String WORKER = "sip:agent4@127.0.0.1";
    /** Where JAIN-SIP's own log goes (Slf4jStackLogger). */
    private static final String JAIN_SIP_LOG = "gov.nist.javax.sip";

    @TempDir
    Path dir;

    private TestCertificates certs;
    private Path kamailioStore;
    private Path ucsyncStore;

    @BeforeEach
    void certificates() {
        certs = new TestCertificates(dir);
        kamailioStore = certs.keyStore("kamailio", "kamailio.test");
        ucsyncStore = certs.keyStore("ucsync", "ucsync.test");
    }

    private KamailioPeer kamailioRequiringClientCertificates() throws Exception {
        return KamailioPeer.builder()
                .tls(certs.certificatePem(kamailioStore), certs.privateKeyPem(kamailioStore))
                .requireClientCertificate(certs.certificatePem(ucsyncStore))
                .start();
    }

    private static String uri(KamailioPeer kamailio, String tlsOptions) {
        return "sip-presence:tls?server=" + kamailio.tlsAddress() + "&transport=tls&dialect=simple"
                + "&user=sip:ucsync@127.0.0.1&retryInitialDelay=200&retryMaxDelay=1000&requestTimeout=3200&storeType=PKCS12"
                + tlsOptions;
    }

    @Test
    void mutual_tls_subscription_and_publication() throws Exception {
        Path trust = certs.trustStore("ucsync-trust", kamailioStore);
        try (KamailioPeer kamailio = kamailioRequiringClientCertificates();
                CamelContext camel = new DefaultCamelContext()) {
            String tls = "&keyStore=" + ucsyncStore + "&keyStorePassword=" + TestCertificates.PASSWORD + "&trustStore="
                    + trust + "&trustStorePassword=" + TestCertificates.PASSWORD;
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, tls) + "&watch=" + WORKER).to("mock:presence");
                    from("direct:publish").to(uri(kamailio, tls));
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("tls");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "ACTIVE".equals(agent.subscriptionStates().get(WORKER)));

            Exchange published = camel.createProducerTemplate()
                    .request(
                            "direct:publish",
                            e -> e.getMessage()
                                    .setBody(PresencePublication.publish(WORKER, Availability.DO_NOT_DISTURB, null)));
            assertThat(published.getException()).isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() > 0);
            assertThat(mock.getExchanges()
                            .get(0)
                            .getMessage()
                            .getBody(Presence.class)
                            .availability())
                    .isIn(Availability.BUSY, Availability.DO_NOT_DISTURB);
        }
    }

    @Test
    void a_server_certificate_ucsync_does_not_trust_is_refused() throws Exception {
        Path stranger = certs.keyStore("stranger", "stranger.test");
        Path trustsOnlyStranger = certs.trustStore("stranger-trust", stranger);
        try (LogCapture log = LogCapture.of("io.ucsync.sip");
                LogCapture stack = LogCapture.of(JAIN_SIP_LOG);
                KamailioPeer kamailio = kamailioRequiringClientCertificates();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(
                                            kamailio,
                                            "&keyStore=" + ucsyncStore + "&keyStorePassword="
                                                    + TestCertificates.PASSWORD + "&trustStore=" + trustsOnlyStranger
                                                    + "&trustStorePassword=" + TestCertificates.PASSWORD)
                                    + "&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("tls");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !log.linesWith("unreachable (SUBSCRIBE cannot be sent")
                            .isEmpty());
            assertThat(oneOutageLine(log, "unreachable (SUBSCRIBE cannot be sent"))
                    .contains("unable to find valid certification path to requested target");
            assertThat(agent.subscriptionStates().get(WORKER)).isNotEqualTo("ACTIVE");
            assertNoStackTrace(log, stack);
        }
    }

    @Test
    void a_trusted_certificate_for_another_host_is_refused() throws Exception {
        Path elsewhere = certs.keyStore("elsewhere", "elsewhere.test", "dns:elsewhere.test");
        Path trust = certs.trustStore("elsewhere-trust", elsewhere);
        try (LogCapture log = LogCapture.of("io.ucsync.sip");
                LogCapture stack = LogCapture.of(JAIN_SIP_LOG);
                KamailioPeer kamailio = KamailioPeer.builder()
                        .tls(certs.certificatePem(elsewhere), certs.privateKeyPem(elsewhere))
                        .start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, "&trustStore=" + trust + "&trustStorePassword=" + TestCertificates.PASSWORD)
                                    + "&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            camel.start();

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !log.linesWith("unreachable (SUBSCRIBE cannot be sent")
                            .isEmpty());
            assertThat(oneOutageLine(log, "unreachable (SUBSCRIBE cannot be sent"))
                    .contains("No subject alternative names matching IP address 127.0.0.1");
            assertThat(log.linesWith("subscribed to " + WORKER)).isEmpty();
            assertNoStackTrace(log, stack);
        }
    }

    @Test
    void ucsync_requiring_tls_does_not_talk_to_a_plaintext_port() throws Exception {
        Path trust = certs.trustStore("ucsync-trust", kamailioStore);
        try (LogCapture log = LogCapture.of("io.ucsync.sip");
                LogCapture stack = LogCapture.of(JAIN_SIP_LOG);
                KamailioPeer kamailio = KamailioPeer.builder()
                        .tls(certs.certificatePem(kamailioStore), certs.privateKeyPem(kamailioStore))
                        .start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // Kamailio's plain SIP port (TCP and UDP) where ucsync is told to use TLS
                    from(uri(kamailio, "&trustStore=" + trust + "&trustStorePassword=" + TestCertificates.PASSWORD)
                                            .replace(kamailio.tlsAddress(), kamailio.address())
                                    + "&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            camel.start();

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !log.linesWith("unreachable (SUBSCRIBE cannot be sent")
                            .isEmpty());
            // the plain port either ignores the handshake (JAIN-SIP's watchdog closes the socket) or closes the
            // connection
            assertThat(oneOutageLine(log, "unreachable (SUBSCRIBE cannot be sent"))
                    .containsAnyOf(
                            "the TLS handshake did not complete in time (a plain SIP port, not TLS?)",
                            "SSL peer shut down");
            assertThat(log.linesWith("subscribed to " + WORKER)).isEmpty();
            assertNoStackTrace(log, stack);
        }
    }

    @Test
    void a_plaintext_client_is_refused_by_the_tls_port() throws Exception {
        try (LogCapture log = LogCapture.of("io.ucsync.sip");
                LogCapture stack = LogCapture.of(JAIN_SIP_LOG);
                KamailioPeer kamailio = KamailioPeer.builder()
                        .tls(certs.certificatePem(kamailioStore), certs.privateKeyPem(kamailioStore))
                        .start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:plain?server=" + kamailio.tlsAddress() + "&transport=tcp&dialect=simple"
                                    + "&user=sip:ucsync@127.0.0.1&retryInitialDelay=200&retryMaxDelay=1000&requestTimeout=3200"
                                    + "&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("plain");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !log.linesWith("unreachable (SUBSCRIBE got no answer")
                            .isEmpty());
            assertThat(oneOutageLine(log, "unreachable (SUBSCRIBE got no answer"))
                    .contains(kamailio.tlsAddress());
            assertThat(log.linesWith("subscribed to " + WORKER)).isEmpty();
            assertThat(agent.subscriptionStates().get(WORKER)).isNotEqualTo("ACTIVE");
            assertNoStackTrace(log, stack);
        }
    }

    @Test
    void without_a_client_certificate_the_server_refuses_ucsync() throws Exception {
        Path trust = certs.trustStore("ucsync-trust", kamailioStore);
        try (LogCapture log = LogCapture.of("io.ucsync.sip");
                KamailioPeer kamailio = kamailioRequiringClientCertificates();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, "&trustStore=" + trust + "&trustStorePassword=" + TestCertificates.PASSWORD)
                                    + "&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("tls");

            // TLS 1.3: the client's handshake is done before the server checks for a certificate, so the SUBSCRIBE
            // is sent and the refusal is only seen as a connection the server closes and a SUBSCRIBE unanswered.
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !log.linesWith("unreachable (SUBSCRIBE got no answer")
                            .isEmpty());
            assertThat(oneOutageLine(log, "unreachable (SUBSCRIBE got no answer"))
                    .contains(kamailio.tlsAddress());
            assertThat(log.linesWith("subscribed to " + WORKER)).isEmpty();
            assertThat(agent.subscriptionStates().get(WORKER)).isNotEqualTo("ACTIVE");
        }
    }

    /**
     * A refused connection makes the front end's only server unreachable: one WARN line, naming the reason, however
     * often the agent asks the server again meanwhile.
     */
    private static String oneOutageLine(LogCapture log, String part) {
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(6))
                .until(() -> log.lines().stream()
                                .filter(line -> line.startsWith("WARN"))
                                .count()
                        == 1);
        return log.linesWith(part).get(0);
    }

    /** A refusal is an expected fault: the log says it in lines of their own, without a stack trace, ucsync's or the stack's. */
    private static void assertNoStackTrace(LogCapture... logs) {
        for (LogCapture log : logs) {
            assertThat(log.linesWithStackTraces()).isEmpty();
        }
    }
}
