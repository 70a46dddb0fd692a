package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.sip.peers.MsPresDialog;
import io.ucsync.sip.peers.SippPeer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence documents a front end must not get away with, over TCP: each is refused with one log line naming the
 * worker and the rule, nothing is read from disk, and the subscription keeps delivering good documents.
 */
class MsPresHostileDocumentsTest {

    private static final String WORKER = "sip:mallory-target@example.com";

    @TempDir
    Path dir;

    @Test
    void hostile_documents_are_refused_one_line_each_and_the_subscription_lives_on() throws Exception {
        Path secret = dir.resolve("secret.txt");
        String secretText = "top-secret-" + System.nanoTime();
        Files.writeString(secret, secretText);

        try (LogCapture log = LogCapture.of(LogCapture.SIP_INTERNALS);
                SippPeer sipp = SippPeer.scenario("mspres_hostile.xml")
                        .transport("t1")
                        .file("bomb.xml", entityBomb())
                        .file("xxe.xml", externalEntity(secret))
                        .startServer();
                CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:lync?server=" + sipp.address() + "&transport=tcp&dialect=mspres"
                                    + "&user=sip:ucsync@example.com&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            MockEndpoint mock = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("lync");

            await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 1);
            assertThat(mock.getExchanges()
                            .get(0)
                            .getMessage()
                            .getBody(Presence.class)
                            .availability())
                    .isEqualTo(Availability.BUSY);
            // SIP headers never become exchange headers: only the component's own SipPresence* ones are there.
            assertThat(mock.getExchanges().get(0).getMessage().getHeaders().keySet())
                    .allMatch(name -> name.startsWith("SipPresence"))
                    .doesNotContain("CamelHttpUri", "CamelFileName");
            List<String> refusals = log.linesWith("BENOTIFY for " + WORKER + " refused");
            assertThat(refusals).hasSize(4);
            assertThat(refusals.get(0)).containsIgnoringCase("xml");
            assertThat(refusals.get(1)).contains("not-ms-pres");
            assertThat(refusals.get(2)).contains("DOCTYPE");
            assertThat(refusals.get(3)).contains("DOCTYPE");

            // SIPp cannot send more than 64 KB: a second connection of the "front end" carries 10 MB, then a good one.
            String dialog = MsPresDialog.headers(sipp);
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.localPort())) {
                OutputStream out = socket.getOutputStream();
                byte[] huge =
                        ("<?xml version=\"1.0\"?><categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\">"
                                        + " ".repeat(10 * 1024 * 1024) + "</categories>")
                                .getBytes(StandardCharsets.UTF_8);
                out.write(MsPresDialog.benotify(dialog, 100, huge, socket.getLocalPort()));
                out.write(MsPresDialog.benotify(
                        dialog, 101, categories(15500).getBytes(StandardCharsets.UTF_8), socket.getLocalPort()));
                out.flush();
                await().atMost(Duration.ofSeconds(20)).until(() -> mock.getReceivedCounter() == 2);
            }
            assertThat(mock.getExchanges()
                            .get(1)
                            .getMessage()
                            .getBody(Presence.class)
                            .availability())
                    .isEqualTo(Availability.AWAY);
            assertThat(log.linesWith("BENOTIFY for " + WORKER + " refused", "exceeds maxBodySize"))
                    .hasSize(1);
            assertThat(log.linesWith("refused")).hasSize(5);
            assertThat(agent.subscriptionStates()).containsEntry(WORKER, "ACTIVE");

            assertThat(String.join("\n", log.lines())).doesNotContain(secretText);
            assertThat(mock.getExchanges())
                    .extracting(e -> e.getMessage().getBody(Presence.class).activity())
                    .doesNotContain(secretText);

            agent.unwatch(List.of(WORKER));
            assertThat(sipp.awaitExit(Duration.ofSeconds(10))).as(sipp.output()).isZero();
        }
    }

    private static final String CATEGORIES_NS = "http://schemas.microsoft.com/2006/09/sip/categories";

    private static String stateOf(String availability, String extra) {
        return "<category name=\"state\" instance=\"0\" container=\"2\" version=\"1\" expireType=\"static\">"
                + "<state xmlns=\"http://schemas.microsoft.com/2006/09/sip/state\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:type=\"userState\"><availability>" + availability + "</availability>" + extra
                + "</state></category>";
    }

    /** Billion laughs: nine levels of ten-fold entity expansion. */
    private static String entityBomb() {
        StringBuilder dtd = new StringBuilder("<!ENTITY a \"aaaaaaaaaa\">");
        for (char level = 'b'; level <= 'i'; level++) {
            String previous = "&" + (char) (level - 1) + ";";
            dtd.append("<!ENTITY ")
                    .append(level)
                    .append(" \"")
                    .append(previous.repeat(10))
                    .append("\">");
        }
        return "<?xml version=\"1.0\"?><!DOCTYPE categories [" + dtd + "]><categories xmlns=\"" + CATEGORIES_NS
                + "\" uri=\"" + WORKER + "\">" + stateOf("&i;", "") + "</categories>";
    }

    /** An external entity naming a local file, whose text must never show up anywhere. */
    private static String externalEntity(Path secret) {
        return "<?xml version=\"1.0\"?><!DOCTYPE categories [<!ENTITY secret SYSTEM \"" + secret.toUri() + "\">]>"
                + "<categories xmlns=\"" + CATEGORIES_NS + "\" uri=\"" + WORKER + "\">"
                + stateOf("3500", "<activity token=\"&secret;\"/>") + "</categories>";
    }

    private static String categories(int availability) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><categories xmlns=\"http://schemas.microsoft.com/2006/09/sip/categories\""
                + " uri=\"" + WORKER
                + "\"><category name=\"state\" instance=\"0\" container=\"2\" version=\"9\" expireType=\"static\">"
                + "<state xmlns=\"http://schemas.microsoft.com/2006/09/sip/state\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:type=\"aggregateState\"><availability>" + availability
                + "</availability></state></category></categories>";
    }
}
