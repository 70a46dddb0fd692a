package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.sip.peers.KamailioPeer;
import io.ucsync.sip.peers.LogCapture;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Digest authentication against Kamailio's auth module: REGISTER is challenged with 401, SUBSCRIBE (first and
 * refreshes), PUBLISH and SERVICE with 407.
 */
class DigestAuthKamailioTest {

    private static final String WORKER = "sip:agent3@127.0.0.1";
    private static final String USER = "ucsync";
    private static final String PASSWORD = "s3cret-digest";

    private static String uri(KamailioPeer kamailio, String dialect, String password) {
        return "sip-presence:" + dialect + "?server=" + kamailio.address() + "&dialect=" + dialect
                + "&user=sip:ucsync@127.0.0.1&authUsername=" + USER + "&authPassword=" + password;
    }

    @Test
    void register_subscribe_refresh_publish_and_service_answer_their_challenges() throws Exception {
        try (LogCapture log = LogCapture.of(LogCapture.SIP_INTERNALS);
                KamailioPeer kamailio =
                        KamailioPeer.builder().auth(USER, PASSWORD).start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri(kamailio, "simple", PASSWORD) + "&register=true&subscribeExpires=4&watch=" + WORKER)
                            .to("mock:presence");
                    from("direct:simple").to(uri(kamailio, "simple", PASSWORD) + "&register=true&subscribeExpires=4");
                    from("direct:mspres").to(uri(kamailio, "mspres", PASSWORD));
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("simple");
            await().atMost(Duration.ofSeconds(10)).until(agent::isRegistered);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "ACTIVE".equals(agent.subscriptionStates().get(WORKER)));

            ProducerTemplate template = camel.createProducerTemplate();
            Exchange published = template.request(
                    "direct:simple",
                    e -> e.getMessage().setBody(PresencePublication.publish(WORKER, Availability.AWAY, null)));
            assertThat(published.getException()).isNull();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> mock.getReceivedCounter() > 0
                            && mock.getExchanges()
                                            .get(mock.getReceivedCounter() - 1)
                                            .getMessage()
                                            .getBody(Presence.class)
                                            .availability()
                                    == Availability.AWAY);

            Exchange service = template.request(
                    "direct:mspres",
                    e -> e.getMessage()
                            .setBody(PresencePublication.publish(WORKER, Availability.BUSY, "on-the-phone")));
            assertThat(service.getException()).isNull();
            assertThat(service.getMessage().getHeader(SipPresenceConstants.STATUS_CODE))
                    .isEqualTo(200);

            // subscribeExpires=4: two challenged in-dialog refreshes within 5 s, and still subscribed.
            await().pollDelay(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(7))
                    .until(() -> "ACTIVE".equals(agent.subscriptionStates().get(WORKER)));
            assertThat(log.linesWith("refresh")).isEmpty();
            assertThat(log.linesWith("subscribed to " + WORKER)).hasSize(1);
        }
    }

    @Test
    void a_wrong_password_fails_with_an_authentication_error() throws Exception {
        try (KamailioPeer kamailio = KamailioPeer.builder().auth(USER, PASSWORD).start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:simple").to(uri(kamailio, "simple", "wrong-password"));
                }
            });
            camel.start();

            Exchange published = camel.createProducerTemplate()
                    .request(
                            "direct:simple",
                            e -> e.getMessage().setBody(PresencePublication.publish(WORKER, Availability.AWAY, null)));
            assertThat(published.getException())
                    .isInstanceOf(SipAuthenticationException.class)
                    .hasMessageContaining("PUBLISH " + WORKER)
                    .hasMessageContaining("credentials of user ucsync rejected (407");
        }
    }
}
