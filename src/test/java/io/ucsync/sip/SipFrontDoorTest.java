package io.ucsync.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.peers.KamailioPeer;
import io.ucsync.sip.peers.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The front door of both SIP stacks ucsync runs, its user agent and the front-end emulator: {@link SipCorpus} sent
 * over UDP and TCP to each. Valid requests are answered as before (OPTIONS 200, an unknown method 405), invalid ones
 * refused as RFC 3261 says (400, 505, 416) or dropped when no answer can be built (over TCP the connection is then
 * closed); both stacks go on working, and the log has one line per kind of refusal and source, however often the
 * corpus is sent.
 */
class SipFrontDoorTest {

    private static final String WORKER = "sip:alice@ucsync.test";
    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:Call-ID|i)\\s*:\\s*(\\S+)");
    /** What a stream that neither answers nor closes gives. */
    private static final String SILENT = "(silent)";

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(?:Content-Length|l)\\s*:\\s*(\\d+)");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "tcp"})
    void the_corpus_is_refused_or_answered_as_before_and_both_stacks_keep_working(String transport) throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(
                        FrontEndEmulatorConfig.builder().transport(transport).build());
                LogCapture sipLog = LogCapture.of("io.ucsync.sip");
                LogCapture emulatorLog = LogCapture.of("io.ucsync.lab");
                LogCapture stackLog = LogCapture.of("gov.nist");
                CamelContext camel = new DefaultCamelContext()) {
            emulator.presence(WORKER, 3500, null, PresenceSource.USER);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sip-presence:uc?server=127.0.0.1:" + emulator.port() + "&transport=" + transport
                                    + "&user=sip:ucsync@ucsync.test&watch=" + WORKER)
                            .to("mock:presence");
                }
            });
            MockEndpoint presences = camel.getEndpoint("mock:presence", MockEndpoint.class);
            camel.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> presences.getReceivedCounter() == 1);
            SipPresenceAgent agent = camel.getComponent("sip-presence", SipPresenceComponent.class)
                    .agent("uc");
            Map<String, Integer> stacks = new LinkedHashMap<>();
            stacks.put("ucsync", agent.localPort());
            stacks.put("emulator", emulator.port());
            int linesBefore = lines(sipLog, emulatorLog, stackLog).size();

            SoftAssertions softly = new SoftAssertions();
            for (Map.Entry<String, Integer> stack : stacks.entrySet()) {
                for (SipCorpus.Case sample : SipCorpus.CASES) {
                    if (!sample.datagramOnly() || transport.equals("udp")) {
                        softly.assertThat(send(transport, stack.getValue(), sample))
                                .as(stack.getKey() + " over " + transport + ": " + sample.name())
                                .isEqualTo(expected(sample, transport));
                    }
                }
            }
            softly.assertAll();
            List<String> corpusLines = lines(sipLog, emulatorLog, stackLog)
                    .subList(linesBefore, lines(sipLog, emulatorLog, stackLog).size());
            long refused = SipCorpus.CASES.stream()
                    .filter(c -> c.expected() == 0 || c.expected() >= 400)
                    .count();
            System.out.println("LOG front door over " + transport + ": " + corpusLines.size() + " lines for "
                    + SipCorpus.CASES.size() + " messages to each of 2 stacks (" + refused + " refused each)");
            assertThat(corpusLines)
                    .as("one line per kind of refusal and source")
                    .hasSizeLessThanOrEqualTo((int) refused * 2)
                    .allSatisfy(line -> assertThat(line)
                            .startsWith("WARN refused a SIP message from 127.0.0.1")
                            .hasSizeLessThan(400)
                            .doesNotContain("\r", "\n", "\0"));
            assertThat(sipLog.linesWithStackTraces()).isEmpty();
            assertThat(emulatorLog.linesWithStackTraces()).isEmpty();

            // the same again: nothing more in the log within the minute
            for (Map.Entry<String, Integer> stack : stacks.entrySet()) {
                for (SipCorpus.Case sample : SipCorpus.CASES) {
                    if (!sample.datagramOnly() || transport.equals("udp")) {
                        send(transport, stack.getValue(), sample);
                    }
                }
            }
            assertThat(lines(sipLog, emulatorLog, stackLog))
                    .as("the corpus sent again logs nothing more")
                    .hasSize(linesBefore + corpusLines.size());

            // both still work: the subscription delivers, OPTIONS is answered
            emulator.presence(WORKER, 6500, "in-a-meeting", PresenceSource.CALENDAR);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> presences
                                    .getExchanges()
                                    .get(presences.getReceivedCounter() - 1)
                                    .getMessage()
                                    .getBody(Presence.class)
                                    .availability()
                            == Availability.BUSY);
            for (int port : stacks.values()) {
                assertThat(send(transport, port, SipCorpus.CASES.get(0))).isEqualTo("200");
            }
        }
    }

    /**
     * The same corpus against Kamailio (src/main/docs/presence-and-sip.md "The front door" compares the two): it must
     * take every sample ucsync takes as valid, as ucsync does, which tells that they are valid to another
     * implementation too; what it does with the invalid ones is printed for the comparison.
     */
    @Test
    void kamailio_takes_the_valid_samples_as_ucsync_does() throws Exception {
        try (KamailioPeer kamailio = KamailioPeer.builder().start()) {
            SoftAssertions softly = new SoftAssertions();
            for (String transport : List.of("udp", "tcp")) {
                for (SipCorpus.Case sample : SipCorpus.CASES) {
                    if (sample.datagramOnly() && transport.equals("tcp")) {
                        continue;
                    }
                    String kamailioAnswer = transport.equals("udp")
                            ? overUdp(kamailio.port(), sample, Duration.ofSeconds(1))
                            : overTcp(kamailio.port(), sample);
                    System.out.println("COMPARE " + transport + " | " + sample.name() + " | ucsync "
                            + expected(sample, transport) + " | kamailio " + kamailioAnswer);
                    if (sample.expected(transport) > 0 && sample.expected(transport) < 400) {
                        softly.assertThat(kamailioAnswer)
                                .as("kamailio over " + transport + ": " + sample.name())
                                .isEqualTo(expected(sample, transport));
                    }
                }
            }
            softly.assertAll();
            assertThat(overUdp(kamailio.port(), SipCorpus.CASES.get(0), Duration.ofSeconds(1)))
                    .as("Kamailio still answers")
                    .isEqualTo("200");
        }
    }

    private static List<String> lines(LogCapture... logs) {
        List<String> all = new ArrayList<>();
        for (LogCapture log : logs) {
            all.addAll(log.lines());
        }
        return all;
    }

    /** "400" answered; "400 closed" answered, then the connection closed; "none" dropped ("none closed" over TCP). */
    private static String expected(SipCorpus.Case sample, String transport) {
        int status = sample.expected(transport);
        if (transport.equals("udp")) {
            return status == 0 ? "none" : String.valueOf(status);
        }
        return status == 0 ? "none closed" : status + (sample.closesStream() ? " closed" : "");
    }

    private static String send(String transport, int port, SipCorpus.Case sample) throws IOException {
        return transport.equals("udp") ? overUdp(port, sample, Duration.ZERO) : overTcp(port, sample);
    }

    /**
     * Sends the sample, then a good OPTIONS, and returns the sample's answers (matched by Call-ID) or "none". ucsync's
     * stacks read datagrams on one thread, so once the OPTIONS is answered nothing more comes for the sample;
     * {@code lateAnswers} waits longer for a peer that reads on several (Kamailio's worker processes).
     */
    private static String overUdp(int port, SipCorpus.Case sample, Duration lateAnswers) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(10_000);
            byte[] message = sample.render("udp", socket.getLocalPort(), "ucsync.test");
            byte[] probe = SipCorpus.CASES.get(0).render("udp", socket.getLocalPort(), "ucsync.test");
            socket.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), port));
            socket.send(new DatagramPacket(probe, probe.length, InetAddress.getLoopbackAddress(), port));
            String sampleCallId = callId(new String(message, StandardCharsets.UTF_8));
            String probeCallId = callId(new String(probe, StandardCharsets.UTF_8));
            List<String> answers = new ArrayList<>();
            long probeAnsweredAt = 0;
            while (probeAnsweredAt == 0
                    || answers.isEmpty() && System.nanoTime() - probeAnsweredAt < lateAnswers.toNanos()) {
                DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
                if (probeAnsweredAt != 0) {
                    socket.setSoTimeout((int) Math.max(1, lateAnswers.toMillis()));
                }
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                String answer = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                if (probeCallId.equals(callId(answer))) {
                    probeAnsweredAt = System.nanoTime();
                } else if (sampleCallId.equals(callId(answer))) {
                    answers.add(answer.split(" ", 3)[1]);
                }
            }
            return answers.isEmpty() ? "none" : String.join(" ", answers);
        }
    }

    /** Sends the sample on a connection of its own, then a good OPTIONS on it, which a closed connection does not answer. */
    private static String overTcp(int port, SipCorpus.Case sample) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(sample.render("tcp", socket.getLocalPort(), "ucsync.test"));
            InputStream in = socket.getInputStream();
            String answer = readResponse(in);
            if (answer == null || answer.equals(SILENT)) {
                return answer == null ? "none closed" : "none, connection left open";
            }
            String status = answer.split(" ", 3)[1];
            try {
                socket.getOutputStream()
                        .write(SipCorpus.CASES.get(0).render("tcp", socket.getLocalPort(), "ucsync.test"));
                String next = readResponse(in);
                return next == null ? status + " closed" : next.equals(SILENT) ? status + ", then silent" : status;
            } catch (IOException e) {
                return status + " closed";
            }
        }
    }

    /** One response read from a stream, null at its end, or {@link #SILENT}. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
            }
        } catch (SocketTimeoutException e) {
            return SILENT;
        }
        String text = head.toString(StandardCharsets.UTF_8);
        Matcher length = CONTENT_LENGTH.matcher(text);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        return text;
    }

    private static String callId(String message) {
        Matcher matcher = CALL_ID.matcher(message);
        return matcher.find() ? matcher.group(1) : "";
    }
}
