package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.sip.peers.BaresipPeer;
import io.ucsync.sip.peers.KamailioPeer;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** SIMPLE presence in: a worker's baresip publishes through Kamailio, ucsync's consumer reads what Kamailio notifies. */
class SimplePresenceKamailioTest {

    private static final String WORKER = "sip:agent2@127.0.0.1";

    @Test
    void baresip_going_online_and_offline_arrives_as_presence() throws Exception {
        try (KamailioPeer kamailio = KamailioPeer.builder().start();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:kamailio?server=" + kamailio.address() + "&dialect=simple"
                                    + "&user=sip:ucsync@127.0.0.1&register=true&subscribeExpires=60&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("kamailio");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "ACTIVE".equals(agent.subscriptionStates().get(WORKER)));
            assertThat(agent.isRegistered()).isTrue();

            try (BaresipPeer baresip = BaresipPeer.start(WORKER, kamailio.address())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> lastAvailability(mock) == Availability.ONLINE);

                baresip.command("presence_offline");
                await().atMost(Duration.ofSeconds(10)).until(() -> lastAvailability(mock) == Availability.OFFLINE);

                baresip.command("presence_online");
                await().atMost(Duration.ofSeconds(10)).until(() -> lastAvailability(mock) == Availability.ONLINE);
            }
            List<Presence> presences = mock.getExchanges().stream()
                    .map(e -> e.getMessage().getBody(Presence.class))
                    .toList();
            assertThat(presences).extracting(Presence::sipUri).containsOnly(WORKER);
            assertThat(mock.getExchanges())
                    .extracting(e -> e.getMessage().getHeader(SipPresenceConstants.METHOD))
                    .containsOnly("NOTIFY");
            assertThat(agent.lastPresence(WORKER)).isPresent();
        }
    }

    private static Availability lastAvailability(MockEndpoint mock) {
        int n = mock.getReceivedCounter();
        return n == 0
                ? null
                : mock.getExchanges()
                        .get(n - 1)
                        .getMessage()
                        .getBody(Presence.class)
                        .availability();
    }
}
