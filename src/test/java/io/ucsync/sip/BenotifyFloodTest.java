package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.sip.peers.SippPeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * JAIN-SIP 1.3.0-91 keeps an unanswered BENOTIFY's server transaction and a subscription's dialog forever unless
 * told otherwise: 10,000 BENOTIFYs must leave the stack's own tables as they were.
 */
class BenotifyFloodTest {

    private static final int WORKERS = 100;

    @Test
    void ten_thousand_benotifies_leave_no_transaction_or_dialog_behind() throws Exception {
        // 100 subscriptions with 100 BENOTIFYs each: SIPp is slow with one call, fast with many. Over TCP, so
        // that every BENOTIFY arrives (SIPp sends them as fast as it can; UDP would lose some to full buffers).
        AtomicInteger delivered = new AtomicInteger();
        List<String> workers = IntStream.range(0, WORKERS)
                .mapToObj(i -> "sip:bee" + i + "@example.com")
                .toList();
        try (SippPeer sipp = SippPeer.scenario("mspres_flood.xml")
                        .transport("t1")
                        .calls(WORKERS)
                        .noTrace()
                        .startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // one subscription per worker, as the scenario plays one dialog per SIPp call
                    from("sip-presence:lync?server=" + sipp.address() + "&transport=tcp&dialect=mspres"
                                    + "&user=sip:ucsync@example.com&batchSubscribe=false")
                            .process(exchange -> delivered.incrementAndGet());
                }
            });
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("lync");
            agent.watch(workers);

            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(delivered.get()).isEqualTo(10_000));

            assertThat(agent.stackServerTransactions())
                    .as("server transactions")
                    .isZero();
            assertThat(agent.stackDialogs()).as("JAIN-SIP dialogs").isZero();
            assertThat(agent.dialogs())
                    .as("ucsync's dialogs: one per subscription")
                    .isEqualTo(WORKERS);
            assertThat(agent.queuedNotifications()).isZero();

            agent.unwatch(workers);
            assertThat(sipp.awaitExit(Duration.ofSeconds(10))).as(sipp.output()).isZero();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> agent.subscriptionStates().isEmpty());
        }
    }
}
