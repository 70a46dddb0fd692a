package io.ucsync.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.presence.MsPresCategoriesDocument;
import io.ucsync.presence.MsPresCategoriesDocument.StateInstance;
import io.ucsync.presence.Presence;
import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.sip.SipPresenceComponent;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.sip.peers.MsPresDialog;
import io.ucsync.sip.peers.SippPeer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * Whole SIP messages into the sip-presence component: SIPp plays the front end (mspres_fuzz.xml: it answers the
 * subscription and any refresh a mutated Expires brings forward) and sets up a subscription, then the
 * test sends BENOTIFYs of that dialog, mutated anywhere (request line, headers, Content-Length, body), over TCP
 * connections of its own. The stack and the component answer, refuse or drop each; none breaks the subscription,
 * leaves a thread behind or logs more than one line for it; a well-formed BENOTIFY afterwards is delivered.
 */
class SipMessageFuzzTest {

    private static final String WORKER = "sip:mallory-target@example.com";
    /**
     * Pieces worth inserting. Not "Subscription-State: terminated": a front end may end a subscription, ucsync then
     * makes a new one, and the campaign's dialog would be gone (tested on its own in MsPresFrontEndTest).
     */
    private static final List<String> SIP_TOKENS = List.of(
            "\r\n",
            "\r\n\r\n",
            "Content-Length: ",
            "Content-Length: 99999999\r\n",
            "Content-Type: multipart/related;boundary=\r\n",
            ";tag=",
            "CSeq: 1 NOTIFY\r\n",
            "Subscription-State: pending\r\n",
            "Event: presence.winfo\r\n",
            "Via: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK\r\n",
            "Call-ID: \r\n",
            "From: <sip:a@b>\r\n",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>",
            "&e;",
            "<availability>",
            "\u0000",
            "%00",
            " SIP/3.0");

    private static byte[] categories(int availability) {
        return MsPresCategoriesDocument.write(
                        WORKER,
                        List.of(new StateInstance(
                                "aggregateState", availability, null, 0, Instant.parse("2026-11-24T10:00:00Z"))))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mutatedBenotifiesNeverBreakTheSubscriptionAndAGoodOneIsDeliveredAfterwards() throws Exception {
        // SIPp gives up after its timeout (60 s by default), shorter than the full campaign; closing it stops it
        try (LogCapture log = LogCapture.of(LogCapture.SIP_INTERNALS);
                SippPeer sipp = SippPeer.scenario("mspres_fuzz.xml")
                        .transport("t1")
                        .timeoutSeconds(1800)
                        .startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:fuzz?server=" + sipp.address() + "&transport=tcp&dialect=mspres"
                                    + "&user=sip:ucsync@example.com&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("fuzz");
            await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() >= 1);
            String dialog = MsPresDialog.headers(sipp);
            int threadsBefore = Thread.activeCount();
            int refusalsBefore = log.linesWith("refused").size();

            FuzzRun run = new FuzzRun("sip-messages");
            int inputs = Mutator.inputs(3_000);
            Socket socket = null;
            Mutator mutator = null;
            for (int i = 0; i < inputs; i++) {
                if (socket == null || socket.isClosed() || i % 200 == 0) {
                    if (socket != null) {
                        socket.close();
                    }
                    socket = new Socket(InetAddress.getLoopbackAddress(), agent.localPort());
                    socket.setSoTimeout(1);
                    int port = socket.getLocalPort();
                    // samples carry this connection's Via; CSeqs above the ones SIPp used
                    mutator = new Mutator(
                            "sip-messages-" + i,
                            List.of(
                                    MsPresDialog.benotify(dialog, 1000 + i, categories(3500), port),
                                    MsPresDialog.benotify(dialog, 1000 + i, categories(9500), port)),
                            SIP_TOKENS);
                }
                run.sendOn(socket, mutator.next(), "stack");
            }
            socket.close();
            System.out.println(run.summary());

            // the highest CSeq there is: a mutated one may have raised the dialog's beyond anything lower
            int delivered = mock.getReceivedCounter();
            try (Socket last = new Socket(InetAddress.getLoopbackAddress(), agent.localPort())) {
                last.getOutputStream()
                        .write(MsPresDialog.benotify(
                                dialog, Integer.MAX_VALUE, categories(15500), last.getLocalPort()));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> mock.getReceivedCounter() > delivered
                                && mock.getExchanges()
                                                .get(mock.getReceivedCounter() - 1)
                                                .getMessage()
                                                .getBody(Presence.class)
                                                .availability()
                                        == Availability.AWAY);
            }
            assertThat(agent.subscriptionStates()).containsEntry(WORKER, "ACTIVE");
            assertThat(log.linesWith("refused").size() - refusalsBefore)
                    .as("at most one line per input")
                    .isLessThanOrEqualTo(inputs);
            await().atMost(Duration.ofSeconds(10)).until(() -> Thread.activeCount() <= threadsBefore + 2);
        }
    }
}
