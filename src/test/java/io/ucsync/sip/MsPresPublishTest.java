package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.presence.Availability;
import io.ucsync.sip.peers.SippPeer;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** MS-PRES presence out: SERVICE with a state category publication, version tracking, 409 retry, removal, refusal. */
class MsPresPublishTest {

    private static final String WORKER = "sip:carol@example.com";

    @Test
    void category_publications_follow_the_servers_version_and_a_refusal_names_status_and_reason() throws Exception {
        try (SippPeer sipp = SippPeer.scenario("mspres_publish.xml").startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:publish")
                            .to(
                                    "sip-presence:lync?server=" + sipp.address()
                                            + "&dialect=mspres&user=sip:ucsync@example.com&publishContainer=2&publishInstance=1100");
                }
            });
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();

            // Stale version 0: 409 names 7, the retry with 7 is accepted and the next publication will carry 8.
            Exchange busy = template.request(
                    "direct:publish",
                    e -> e.getMessage()
                            .setBody(PresencePublication.publish(WORKER, Availability.BUSY, "on-the-phone")));
            assertThat(busy.getException()).isNull();
            assertThat(busy.getMessage().getHeader(SipPresenceConstants.STATUS_CODE))
                    .isEqualTo(200);
            assertThat(busy.getMessage().getHeader(SipPresenceConstants.PUBLICATION_TAG))
                    .isEqualTo("8");

            Exchange removed =
                    template.request("direct:publish", e -> e.getMessage().setBody(PresencePublication.remove(WORKER)));
            assertThat(removed.getException()).isNull();
            assertThat(removed.getMessage().getHeader(SipPresenceConstants.STATUS_CODE))
                    .isEqualTo(200);

            Exchange refused = template.request(
                    "direct:publish",
                    e -> e.getMessage().setBody(PresencePublication.publish(WORKER, Availability.ONLINE, null)));
            assertThat(refused.getException())
                    .isInstanceOf(SipRequestFailedException.class)
                    .hasMessage("SERVICE " + WORKER + " failed: 403 Forbidden");
            SipRequestFailedException failure = (SipRequestFailedException) refused.getException();
            assertThat(failure.statusCode()).isEqualTo(403);
            assertThat(failure.reasonPhrase()).isEqualTo("Forbidden");

            assertThat(sipp.awaitExit(Duration.ofSeconds(10))).as(sipp.output()).isZero();
        }
    }
}
