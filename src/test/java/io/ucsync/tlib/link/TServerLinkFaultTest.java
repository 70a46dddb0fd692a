package io.ucsync.tlib.link;

import static io.ucsync.tlib.link.TServerLinkTest.answer;
import static io.ucsync.tlib.link.TServerLinkTest.config;
import static io.ucsync.tlib.link.TServerLinkTest.login;
import static io.ucsync.tlib.link.TServerLinkTest.notReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.tserver.DnState;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tlib.codec.TlwDecoder;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Failover to a promoted backup while requests flow, request timeouts, keep-alive against a peer that stops reading,
 * and frames whose length field is damaged: each ends in a new connection and a resync.
 */
class TServerLinkFaultTest {

    private static final List<String> DNS =
            IntStream.rangeClosed(1, 10).mapToObj(i -> String.valueOf(5000 + i)).toList();

    @Test
    void primaryKilledWhileRequestsFlow_theLinkMovesToThePromotedBackupAndEveryAgentEndsAsItShould() throws Exception {
        TServerEmulator primary =
                TServerEmulator.start(TServerEmulatorConfig.builder().dns(DNS).build());
        try (TServerEmulator backup = TServerEmulator.start(TServerEmulatorConfig.builder()
                        .dns(DNS)
                        .role(ServerRole.Backup)
                        .mirrorOf(new InetSocketAddress("127.0.0.1", primary.port()))
                        .build());
                TServerLink link = new TServerLink(
                        "main", config(primary.port(), backup.port()).build(), null)) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> primary.stats()
                            .getOrDefault(DNS.get(DNS.size() - 1), Map.of())
                            .containsKey("RequestQueryAddress"));
            // The owner of the link, as the engine is: what each agent should be, put right after every resync.
            Map<String, String> desiredReason = new ConcurrentHashMap<>();
            AtomicInteger repairs = new AtomicInteger();
            List<EventKind> resyncs = new CopyOnWriteArrayList<>();
            link.addListener(new TServerLinkListener() {
                @Override
                public void onEvent(TlibMessage event, EventKind kind) {
                    if (!kind.fromResync()) {
                        return;
                    }
                    resyncs.add(kind);
                    String dn = event.getThisDN();
                    String desired = desiredReason.get(dn);
                    if (desired != null && !desired.equals(event.getReasonCode())) {
                        repairs.incrementAndGet();
                        link.request(notReady(dn, desired));
                    }
                }
            });
            DNS.forEach(link::register);
            link.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
            for (int i = 0; i < DNS.size(); i++) {
                answer(link.request(login(DNS.get(i), "agent" + i, "", AgentWorkMode.AuxWork)));
            }

            // Requests flow, eight in flight, each DN in turn to a new reason; one thread sends, so the last one
            // sent on a DN is what that agent should end in.
            AtomicBoolean flowing = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger answeredTwice = new AtomicInteger();
            Semaphore inFlight = new Semaphore(8);
            Thread flow = new Thread(
                    () -> {
                        for (int i = 0; flowing.get(); i++) {
                            inFlight.acquireUninterruptibly();
                            String dn = DNS.get(i % DNS.size());
                            String reason = "R" + i;
                            desiredReason.put(dn, reason);
                            sent.incrementAndGet();
                            AtomicBoolean done = new AtomicBoolean();
                            link.request(notReady(dn, reason)).whenComplete((response, error) -> {
                                if (!done.compareAndSet(false, true)) {
                                    answeredTwice.incrementAndGet();
                                }
                                (error == null ? answered : failed).incrementAndGet();
                                inFlight.release();
                            });
                        }
                    },
                    "request-flow");
            flow.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() > 500);
            primary.kill();
            await().atMost(Duration.ofSeconds(5)).until(() -> link.state() != LinkState.UP);
            flowing.set(false);
            flow.join(5_000);

            backup.promote();
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            link.state() == LinkState.UP && ("127.0.0.1:" + backup.port()).equals(link.connectedTo()));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> backup.states().stream()
                            .allMatch(state -> desiredReason.get(state.dn()).equals(state.reasonCode())));

            assertThat(backup.states()).allSatisfy(state -> {
                assertThat(state.agentId()).isNotNull();
                assertThat(state.status()).isEqualTo(AgentStatus.NotReady);
            });
            Map<String, Map<String, Integer>> backupStats = backup.stats();
            assertThat(DNS).allSatisfy(dn -> {
                assertThat(backupStats.get(dn))
                        .as("re-registered and re-queried on the backup")
                        .containsEntry("RequestRegisterAddress", 1)
                        .containsEntry("RequestQueryAddress", 1)
                        .doesNotContainKey("RequestAgentLogin");
            });
            await("requests cut off by the crash fail rather than hang")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> answered.get() + failed.get() == sent.get());
            assertThat(answeredTwice).hasValue(0);
            assertThat(resyncs)
                    .as("the first resync, then the one on the promoted backup, which may have missed changes")
                    .containsExactlyElementsOf(Stream.concat(
                                    DNS.stream().map(dn -> EventKind.RESYNC),
                                    DNS.stream().map(dn -> EventKind.RESYNC_ON_NEW_SERVER))
                            .toList());
            System.out.printf(
                    "failover: %d requests sent, %d answered, %d failed (in flight at the crash or sent while the link was down), %d repaired after resync%n",
                    sent.get(), answered.get(), failed.get(), repairs.get());
        }
    }

    @Test
    void aRequestWithoutAnswerTimesOutItsLateAnswerIsDroppedAndARegistrationIsTriedAgain() throws Exception {
        try (ScriptedTServer server = ScriptedTServer.silent();
                TServerLink link = linkTo(server, Duration.ofMillis(300))) {
            RecordingListener listener = upAndListenedTo(link);

            CompletableFuture<TlibMessage> register = link.register("5001");
            TlibMessage request = (TlibMessage) server.nextReceived();
            assertThat(request.type()).isEqualTo(MessageType.RequestRegisterAddress);
            assertThatThrownBy(() -> register.get(5, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TServerTimeoutException.class)
                    .hasMessageContaining("RequestRegisterAddress")
                    .hasMessageContaining("5001")
                    .hasMessageContaining("300 ms");

            server.send(TlibMessage.create(MessageType.EventRegistered)
                    .referenceId(request.getReferenceId())
                    .thisDN("5001"));
            server.send(TlibMessage.create(MessageType.EventDNDOn).thisDN("5001"));
            listener.next(MessageType.EventDNDOn, "5001");
            assertThat(listener.events)
                    .extracting(received -> received.event().type())
                    .as("the late answer reaches no one; the unsolicited event after it does")
                    .containsExactly(MessageType.EventDNDOn);
            assertThat(link.state()).isEqualTo(LinkState.UP);
            TlibMessage retried = (TlibMessage) server.nextReceived();
            assertThat(retried)
                    .as("the registration is tried again, as a new request")
                    .isNotNull();
            assertThat(retried.type()).isEqualTo(MessageType.RequestRegisterAddress);
            assertThat(retried.getThisDN()).isEqualTo("5001");
            assertThat(retried.getReferenceId()).isNotEqualTo(request.getReferenceId());
        }
    }

    @Test
    void aQueryWithoutAnswerIsAskedAgainUntilTheDnIsReported() throws Exception {
        try (ScriptedTServer server = ScriptedTServer.silent();
                TServerLink link = linkTo(server, Duration.ofMillis(300))) {
            RecordingListener listener = upAndListenedTo(link);

            link.register("5001");
            TlibMessage registration = (TlibMessage) server.nextReceived();
            assertThat(registration.type()).isEqualTo(MessageType.RequestRegisterAddress);
            server.send(TlibMessage.create(MessageType.EventRegistered)
                    .referenceId(registration.getReferenceId())
                    .thisDN("5001"));
            TlibMessage unanswered = (TlibMessage) server.nextReceived();
            assertThat(unanswered.type()).isEqualTo(MessageType.RequestQueryAddress);

            // a T-Server busy with thousands of queries answers this one too late: the DN would never be reported
            TlibMessage again = (TlibMessage) server.nextReceived();
            assertThat(again).as("asked again after the timeout").isNotNull();
            assertThat(again.type()).isEqualTo(MessageType.RequestQueryAddress);
            assertThat(again.getThisDN()).isEqualTo("5001");
            assertThat(again.getReferenceId()).isNotEqualTo(unanswered.getReferenceId());
            server.send(TlibMessage.create(MessageType.EventAddressInfo)
                    .referenceId(again.getReferenceId())
                    .thisDN("5001"));
            listener.next(MessageType.EventAddressInfo, "5001");
            assertThat(listener.resyncEvents())
                    .as("reported once, as a resync report")
                    .hasSize(1);
        }
    }

    @Test
    void thousandsOfDnsAreRegisteredAFewHundredAtATime() throws Exception {
        try (ScriptedTServer server = ScriptedTServer.silent();
                TServerLink link = linkTo(server, Duration.ofSeconds(60))) {
            upAndListenedTo(link);

            for (int dn = 10_000; dn < 13_000; dn++) {
                link.register(String.valueOf(dn));
            }
            List<TlibMessage> sent = new ArrayList<>();
            for (int i = 0; i < PendingRequests.MAX_SETUP_REQUESTS_IN_FLIGHT; i++) {
                sent.add((TlibMessage) server.nextReceived());
            }
            assertThat(sent)
                    .allSatisfy(request -> assertThat(request.type()).isEqualTo(MessageType.RequestRegisterAddress));
            assertThat(server.receivedWithin(Duration.ofMillis(500)))
                    .as("none more until one is answered")
                    .isNull();

            // each answer frees one place, for the next request waiting (the registered DNs' queries queue up behind)
            TlibMessage first = sent.get(0);
            server.send(TlibMessage.create(MessageType.EventRegistered)
                    .referenceId(first.getReferenceId())
                    .thisDN(first.getThisDN()));
            TlibMessage next = (TlibMessage) server.nextReceived();
            assertThat(next.type()).isEqualTo(MessageType.RequestRegisterAddress);
            assertThat(sent).extracting(TlibMessage::getThisDN).doesNotContain(next.getThisDN());
            assertThat(server.receivedWithin(Duration.ofMillis(500))).isNull();
        }
    }

    @Test
    void aPeerThatStopsReadingIsDetectedWithinTwoKeepAliveTimeouts() throws Exception {
        Duration timeout = Duration.ofSeconds(1);
        try (ScriptedTServer server = ScriptedTServer.deaf();
                TServerLink link = new TServerLink(
                        "main", config(server.port()).keepAliveTimeout(timeout).build(), null)) {
            RecordingListener listener = upAndListenedTo(link);

            // two timeouts, plus a quarter for scheduling on a busy machine
            await().atMost(timeout.multipliedBy(2).plus(timeout.dividedBy(4)))
                    .until(() -> listener.states.contains(LinkState.CONNECTING));
            assertThat(link.state()).isNotEqualTo(LinkState.UP);
        }
    }

    @Test
    void aLengthFieldAboveTheMaximumClosesTheConnectionAndTheLinkResyncsOnANewOne() throws Exception {
        try (TServerEmulator emulator = TServerEmulator.start(
                        TServerEmulatorConfig.builder().dns(DNS).build());
                InjectingProxy proxy = new InjectingProxy(emulator.port());
                LogCapture decoderLog = LogCapture.of(TlwDecoder.class);
                // neither keep-alive nor a request timeout could be what notices: only the decoder
                TServerLink link = new TServerLink(
                        "main",
                        config(proxy.port())
                                .keepAliveTimeout(Duration.ZERO)
                                .requestTimeout(Duration.ofSeconds(30))
                                .build(),
                        null)) {
            RecordingListener listener = upWithAnAgent(link);

            // a MESSAGE header whose length field says 2 GiB, between two of the server's frames
            proxy.injectNow(HexFormat.of().parseHex("7fffffff" + "544c0100"));

            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections() == 2 && link.state() == LinkState.UP);
            assertThat(decoderLog.linesWith("closing TLW/1 connection", "length 2147483647, maximum 65536"))
                    .hasSize(1);
            assertThat(listener.states)
                    .containsExactly(
                            LinkState.RESYNCING, LinkState.UP, LinkState.CONNECTING, LinkState.RESYNCING, LinkState.UP);
            assertResyncedAndAnswering(emulator, link, listener);
        }
    }

    @Test
    void aFrameCutShortSwallowsTheAnswersOnlyUntilTheKeepAliveClosesTheConnection() throws Exception {
        Duration keepAlive = Duration.ofMillis(500);
        try (TServerEmulator emulator = TServerEmulator.start(
                        TServerEmulatorConfig.builder().dns(DNS).build());
                InjectingProxy proxy = new InjectingProxy(emulator.port());
                TServerLink link = new TServerLink(
                        "main",
                        config(proxy.port())
                                .keepAliveTimeout(keepAlive)
                                .requestTimeout(Duration.ofMillis(300))
                                .build(),
                        null)) {
            RecordingListener listener = upWithAnAgent(link);

            // a length within the maximum, of which only the header ever comes: the decoder waits for the rest
            proxy.injectNow(HexFormat.of().parseHex("0000fff0" + "544c0100"));

            assertThatThrownBy(() -> link.request(notReady("5001", "Lost")).get(5, TimeUnit.SECONDS))
                    .as("the answer is taken for the rest of the frame cut short")
                    .cause()
                    .isInstanceOf(TServerTimeoutException.class);
            // its PINGs answered, PONGs swallowed alike: two timeouts without a whole frame, plus a margin for a busy
            // machine, and the link is on a new connection
            await().atMost(keepAlive.multipliedBy(4)).until(() -> proxy.connections() == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
            assertResyncedAndAnswering(emulator, link, listener);
        }
    }

    /** A link to a scripted server, without keep-alive (the server answers no PING), and this request timeout. */
    private static TServerLink linkTo(ScriptedTServer server, Duration requestTimeout) {
        return new TServerLink(
                "main",
                config(server.port())
                        .requestTimeout(requestTimeout)
                        .keepAliveTimeout(Duration.ZERO)
                        .build(),
                null);
    }

    /** Starts the link with a listener of its own, and waits until it is up. */
    private static RecordingListener upAndListenedTo(TServerLink link) {
        RecordingListener listener = new RecordingListener();
        link.addListener(listener);
        link.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
        return listener;
    }

    /** Starts the link on DN 5001 and logs an agent in there; the listener has seen it all. */
    private static RecordingListener upWithAnAgent(TServerLink link) {
        RecordingListener listener = new RecordingListener();
        link.addListener(listener);
        link.register("5001");
        link.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
        answer(link.request(login("5001", "agent01", "", AgentWorkMode.AuxWork)));
        return listener;
    }

    /** After a lost connection: the DN registered and queried again, the agent's state reported, requests answered. */
    private static void assertResyncedAndAnswering(
            TServerEmulator emulator, TServerLink link, RecordingListener listener) {
        assertThat(emulator.stats().get("5001"))
                .containsEntry("RequestRegisterAddress", 2)
                .containsEntry("RequestQueryAddress", 2);
        assertThat(listener.resyncEvents())
                .hasSize(2)
                .last()
                .satisfies(info -> assertThat(info.getAgentId()).isEqualTo("agent01"));
        assertThat(answer(link.request(notReady("5001", "Back"))).getReasonCode())
                .isEqualTo("Back");
        assertThat(emulator.state("5001").reasonCode()).isEqualTo("Back");
    }

    @Test
    void anIdleLinkToAServerThatAnswersPingsStaysUp() {
        Duration timeout = Duration.ofMillis(300);
        try (TServerEmulator emulator = TServerEmulator.start(
                        TServerEmulatorConfig.builder().dns(DNS).build());
                TServerLink link = new TServerLink(
                        "main",
                        config(emulator.port()).keepAliveTimeout(timeout).build(),
                        null)) {
            RecordingListener listener = upAndListenedTo(link);

            await().during(timeout.multipliedBy(6))
                    .atMost(timeout.multipliedBy(10))
                    .until(() -> link.state() == LinkState.UP);
            assertThat(listener.states).containsExactly(LinkState.RESYNCING, LinkState.UP);
        }
    }

    @Test
    void aServerThatOnlyReportsBackupIsWaitedOnUntilItIsPromoted() {
        try (TServerEmulator backup = TServerEmulator.start(TServerEmulatorConfig.builder()
                        .dns(DNS)
                        .role(ServerRole.Backup)
                        .build());
                TServerLink link = new TServerLink("main", config(backup.port()).build(), null)) {
            link.register("5001");
            link.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> backup.stats().getOrDefault("-", Map.of()).containsKey("RequestRegisterClient"));
            assertThat(link.state()).isEqualTo(LinkState.CONNECTING);

            backup.promote();
            await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
            assertThat(answer(link.request(login("5001", "agent01", "", AgentWorkMode.ManualIn)))
                            .type())
                    .isEqualTo(MessageType.EventAgentLogin);
            assertThat(backup.state("5001")).extracting(DnState::agentId).isEqualTo("agent01");
        }
    }
}
