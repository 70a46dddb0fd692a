package io.ucsync.lab.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.peers.SippPeer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Subscribers that do not support ms-benotify, played by SIPp: they get plain NOTIFYs (answered 200), a refresh
 * changes the expiry, an unrefreshed subscription ends, a refresh of an ended dialog gets 481, and a watcher that
 * answers 481 loses its subscription; over UDP, a NOTIFY the watcher does not answer is sent again until it does.
 */
class FrontEndEmulatorNotifyTest {

    private static final String ALICE = "sip:alice@ucsync.test";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aWatcherWithoutBenotifyGetsNotifyRefreshesAndIsEndedWhenItStopsRefreshing() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp())) {
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            try (SippPeer sipp = SippPeer.scenario("frontend_notify_watcher.xml")
                    .key("worker", ALICE)
                    .timeoutSeconds(30)
                    .startClient("127.0.0.1:" + emulator.port())) {
                // subscribed for 120 s, then refreshed to 4 s
                await("refreshed to 4 s")
                        .atMost(WAIT)
                        .until(() -> emulator.subscriptions().size() == 1
                                && emulator.subscriptions()
                                        .get(0)
                                        .expires()
                                        .isBefore(Instant.now().plusSeconds(5)));
                emulator.presence(ALICE, 6500, "in-a-meeting", PresenceSource.CALENDAR);
                await("expired")
                        .atMost(WAIT)
                        .until(() -> emulator.subscriptions().isEmpty());
                assertThat(sipp.awaitExit(Duration.ofSeconds(20)))
                        .as(sipp.output())
                        .isZero();
                assertThat(sipp.messages()).contains("NOTIFY sip:watcher@").doesNotContain("BENOTIFY");
            }
        }
    }

    @Test
    void aWatcherAnswering481ToANotifyLosesTheSubscription() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp())) {
            emulator.presence(ALICE, 15500, null, PresenceSource.MACHINE);
            try (SippPeer sipp = SippPeer.scenario("frontend_notify_481.xml")
                    .key("worker", ALICE)
                    .timeoutSeconds(30)
                    .startClient("127.0.0.1:" + emulator.port())) {
                await().atMost(WAIT).until(() -> emulator.subscriptions().size() == 1);
                emulator.presence(ALICE, 3500, null, PresenceSource.USER);
                await("dropped after the 481")
                        .atMost(WAIT)
                        .until(() -> emulator.subscriptions().isEmpty());
                assertThat(sipp.awaitExit(Duration.ofSeconds(20)))
                        .as(sipp.output())
                        .isZero();
            }
        }
    }

    @Test
    void overUdpANotifyTheWatcherDoesNotAnswerIsSentAgainUntilItIsAnswered() throws Exception {
        try (FrontEndEmulator emulator = FrontEndEmulator.start(FrontEndEmulatorConfig.udp());
                RawSipClient watcher = new RawSipClient(emulator.port())) {
            emulator.presence(ALICE, 3500, null, PresenceSource.USER);
            assertThat(watcher.subscribe(ALICE, null, "")).startsWith("SIP/2.0 200");
            String first = watcher.next(); // the first document follows the 200; its datagram "lost"
            assertThat(first).startsWith("NOTIFY ");
            String again = watcher.next();
            assertThat(again)
                    .as("the same request again: same branch, same CSeq")
                    .startsWith("NOTIFY ")
                    .contains(RawSipClient.header(first, "Via"), RawSipClient.header(first, "CSeq"));
            watcher.answer(again, 200, "OK");

            emulator.presence(ALICE, 6500, null, PresenceSource.USER);
            String next = watcher.next();
            assertThat(RawSipClient.header(next, "CSeq"))
                    .as("once answered, the next datagram is the next notification, not the answered one again")
                    .isNotEqualTo(RawSipClient.header(first, "CSeq"));
            assertThat(next).contains("availability>6500<");
        }
    }
}
