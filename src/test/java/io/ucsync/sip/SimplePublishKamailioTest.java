package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.sip.peers.KamailioPeer;
import io.ucsync.sip.peers.SippPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** SIMPLE presence out: ucsync PUBLISHes through Kamailio, a SIPp watcher sees it come and go. */
class SimplePublishKamailioTest {

    private static final String WORKER = "sip:agent1@127.0.0.1";

    @Test
    void a_publication_reaches_a_watcher_is_refreshed_with_new_etags_and_its_removal_is_seen() throws Exception {
        try (KamailioPeer kamailio = KamailioPeer.builder().start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:publish")
                            .to("sip-presence:kamailio?server=" + kamailio.address()
                                    + "&dialect=simple&user=sip:ucsync@127.0.0.1&publishExpires=3");
                }
            });
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("kamailio");

            try (SippPeer watcher = watch(kamailio)) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> notifyBodies(watcher).size() == 1);

                Exchange published = template.request(
                        "direct:publish",
                        e -> e.getMessage()
                                .setBody(PresencePublication.publish(WORKER, Availability.BUSY, "on-the-phone")));
                assertThat(published.getException()).isNull();
                assertThat(published.getMessage().getHeader(SipPresenceConstants.STATUS_CODE))
                        .isEqualTo(200);
                String firstTag = published.getMessage().getHeader(SipPresenceConstants.PUBLICATION_TAG, String.class);
                assertThat(firstTag).isNotBlank();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> notifyBodies(watcher).stream().anyMatch(b -> b.contains("on-the-phone")));
            }

            // publishExpires=3: refreshed every 1.5 s, each answer with a new ETag (Kamailio's way). Without the
            // refreshes Kamailio would drop the publication after 3 s.
            Set<String> tags = new LinkedHashSet<>();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        agent.publicationTag(WORKER).ifPresent(tags::add);
                        return tags.size() >= 4;
                    });
            try (SippPeer lateWatcher = watch(kamailio)) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> notifyBodies(lateWatcher).size() == 1);
                assertThat(notifyBodies(lateWatcher).get(0)).contains("on-the-phone");
            }

            Exchange removed =
                    template.request("direct:publish", e -> e.getMessage().setBody(PresencePublication.remove(WORKER)));
            assertThat(removed.getException()).isNull();
            assertThat(removed.getMessage().getHeader(SipPresenceConstants.STATUS_CODE))
                    .isEqualTo(200);
            assertThat(agent.publicationTag(WORKER)).isEmpty();
            try (SippPeer afterRemoval = watch(kamailio)) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> notifyBodies(afterRemoval).size() == 1);
                assertThat(notifyBodies(afterRemoval).get(0)).doesNotContain("on-the-phone");
            }
        }
    }

    /**
     * A SIPp watcher of the worker. (Kamailio 5.6 with publ_cache=2 also notifies watchers, with an empty body, on
     * each PUBLISH refresh; so what a fresh watcher gets first is what tells the published state.)
     */
    private static SippPeer watch(KamailioPeer kamailio) {
        return SippPeer.scenario("watcher.xml").key("worker", WORKER).startClient(kamailio.address());
    }

    @Test
    void a_body_that_is_no_publication_fails_the_exchange() throws Exception {
        try (KamailioPeer kamailio = KamailioPeer.builder().start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:publish")
                            .to("sip-presence:kamailio?server=" + kamailio.address()
                                    + "&dialect=simple&user=sip:ucsync@127.0.0.1");
                }
            });
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();

            assertThatThrownBy(() -> template.requestBody("direct:publish", "not a publication"))
                    .isInstanceOf(CamelExecutionException.class)
                    .hasRootCauseInstanceOf(InvalidPayloadException.class);
        }
    }

    /** The bodies of the NOTIFYs the watcher received, in order. */
    private static List<String> notifyBodies(SippPeer watcher) {
        List<String> bodies = new ArrayList<>();
        Matcher m = Pattern.compile(
                        "(?s)message received[^\\n]*\\n\\s*NOTIFY sip:.*?\\r?\\n\\r?\\n(.*?)(?=\\n-{10,}|\\z)")
                .matcher(watcher.messages());
        while (m.find()) {
            bodies.add(m.group(1).strip());
        }
        return bodies;
    }
}
