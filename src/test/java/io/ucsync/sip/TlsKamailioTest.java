package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.sip.internal.Subscriptions;
import io.ucsync.sip.peers.KamailioPeer;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tls.TestCertificates;

/**
 * SIP over TLS (TLSv1.2/1.3, ECDHE-GCM or TLS 1.3 suites) against Kamailio's tls module, with certificates made by
 * keytool for the test: mutual TLS works, a server certificate ucsync does not trust is refused, and so is
 * ucsync without a certificate when the server requires one.
 */
class TlsKamailioTest {

    private static final String WORKER = "sip:agent4@127.0.0.1";

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
            String tls = "&keyStore=" + ucsyncStore + "&keyStorePassword=" + TestCertificates.PASSWORD
                    + "&trustStore=" + trust + "&trustStorePassword=" + TestCertificates.PASSWORD;
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, tls) + "&watch=" + WORKER).to("mock:presence");
                    from("direct:publish").to(uri(kamailio, tls));
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class).agent("tls");
            await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(agent.subscriptionStates().get(WORKER)));

            Exchange published = camel.createProducerTemplate().request("direct:publish",
                    e -> e.getMessage().setBody(PresencePublication.publish(WORKER, Availability.DO_NOT_DISTURB, null)));
            assertThat(published.getException()).isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() > 0);
            assertThat(mock.getExchanges().get(0).getMessage().getBody(Presence.class).availability())
                    .isIn(Availability.BUSY, Availability.DO_NOT_DISTURB);
        }
    }

    @Test
    void a_server_certificate_ucsync_does_not_trust_is_refused() throws Exception {
        Path stranger = certs.keyStore("stranger", "stranger.test");
        Path trustsOnlyStranger = certs.trustStore("stranger-trust", stranger);
        try (LogCapture log = LogCapture.of(Subscriptions.class);
                KamailioPeer kamailio = kamailioRequiringClientCertificates();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, "&keyStore=" + ucsyncStore + "&keyStorePassword=" + TestCertificates.PASSWORD
                            + "&trustStore=" + trustsOnlyStranger + "&trustStorePassword=" + TestCertificates.PASSWORD)
                            + "&watch=" + WORKER).to("mock:presence");
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class).agent("tls");

            await().atMost(Duration.ofSeconds(15)).until(() -> !log.linesWith("subscription to " + WORKER, "cannot be sent").isEmpty());
            assertThat(log.linesWith("subscription to " + WORKER, "cannot be sent").get(0))
                    .containsAnyOf("PKIX", "certification path", "SSLHandshakeException");
            assertThat(agent.subscriptionStates().get(WORKER)).isNotEqualTo("ACTIVE");
        }
    }

    @Test
    void a_trusted_certificate_for_another_host_is_refused() throws Exception {
        Path elsewhere = certs.keyStore("elsewhere", "elsewhere.test", "dns:elsewhere.test");
        Path trust = certs.trustStore("elsewhere-trust", elsewhere);
        try (LogCapture log = LogCapture.of(Subscriptions.class);
                KamailioPeer kamailio = KamailioPeer.builder()
                        .tls(certs.certificatePem(elsewhere), certs.privateKeyPem(elsewhere)).start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, "&trustStore=" + trust + "&trustStorePassword=" + TestCertificates.PASSWORD)
                            + "&watch=" + WORKER).to("mock:presence");
                }
            });
            camel.start();

            await().atMost(Duration.ofSeconds(15)).until(() -> !log.linesWith("subscription to " + WORKER, "cannot be sent").isEmpty());
            assertThat(log.linesWith("subscription to " + WORKER, "cannot be sent").get(0)).contains("127.0.0.1");
        }
    }

    @Test
    void without_a_client_certificate_the_server_refuses_ucsync() throws Exception {
        Path trust = certs.trustStore("ucsync-trust", kamailioStore);
        try (LogCapture log = LogCapture.of(Subscriptions.class);
                KamailioPeer kamailio = kamailioRequiringClientCertificates();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, "&trustStore=" + trust + "&trustStorePassword=" + TestCertificates.PASSWORD)
                            + "&watch=" + WORKER).to("mock:presence");
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class).agent("tls");

            // TLS 1.3: the client's handshake is done before the server checks for a certificate, so the SUBSCRIBE
            // is sent and the refusal is only seen as a connection the server closes and a SUBSCRIBE unanswered.
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !log.linesWith("subscription to " + WORKER, "subscribing again").isEmpty());
            assertThat(log.linesWith("subscribed to " + WORKER)).isEmpty();
            assertThat(agent.subscriptionStates().get(WORKER)).isNotEqualTo("ACTIVE");
        }
    }
}
