package io.ucsync.lab.tserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive, src/main/docs/tlw1.md section 6: PING after one timeout of silence, close after a further one; PONG at
 * once.
 */
class TServerEmulatorKeepAliveTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private static TServerEmulator start(Duration keepAlive) {
        return TServerEmulator.start(TServerEmulatorConfig.builder()
                .dns(List.of("5001"))
                .keepAliveTimeout(keepAlive)
                .build());
    }

    @Test
    void everyPingIsAnsweredWithPong() throws Exception {
        try (TServerEmulator emulator = start(Duration.ZERO);
                TestTlibClient client = TestTlibClient.connect(emulator.port())) {
            client.send(KeepAliveFrame.ping(7));
            client.send(KeepAliveFrame.ping(8));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.pongsReceived() == 2);
        }
    }

    @Test
    void aSilentClientIsPingedThenClosedWithinTwoTimeouts() throws Exception {
        try (TServerEmulator emulator = start(TIMEOUT);
                TestTlibClient silent = TestTlibClient.connectSilent(emulator.port())) {
            silent.open("5001");
            await().atMost(TIMEOUT.multipliedBy(2).plusSeconds(2)).until(silent::isClosedByPeer);
            assertThat(silent.pingsReceived())
                    .as("the server pinged before it closed")
                    .isEqualTo(1);
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        try (TServerEmulator emulator = start(TIMEOUT);
                TestTlibClient client = TestTlibClient.connect(emulator.port())) {
            client.open("5001");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.pingsReceived() >= 3);
            assertThat(client.isClosedByPeer()).isFalse();
            assertThat(client.request(TestTlibClient.query("5001")).type()).isEqualTo(MessageType.EventAddressInfo);
        }
    }

    @Test
    void aClientThatAsksToBeWatchedIsWatchedAndOthersAreNot() throws Exception {
        try (TServerEmulator emulator = start(Duration.ZERO);
                TestTlibClient watched = TestTlibClient.connectSilent(emulator.port());
                TestTlibClient unwatched = TestTlibClient.connectSilent(emulator.port())) {
            unwatched.open("5001");
            TlibMessage info = watched.request(TlibMessage.create(MessageType.RequestRegisterClient)
                    .applicationName("watched")
                    .protocolVersion("TLW/1")
                    .extensions(new KeyValueCollection().addInt("keepalive-remote-timeout", 1)));
            assertThat(info.type()).isEqualTo(MessageType.EventServerInfo);
            await().atMost(Duration.ofSeconds(5)).until(watched::isClosedByPeer);
            assertThat(watched.pingsReceived()).isEqualTo(1);
            assertThat(unwatched.pingsReceived()).isZero();
            assertThat(unwatched.isClosedByPeer()).isFalse();
        }
    }

    @Test
    void aKeepAliveTimeoutThatIsNotAnIntIs53() throws Exception {
        try (TServerEmulator emulator = start(Duration.ZERO);
                TestTlibClient client = TestTlibClient.connect(emulator.port())) {
            TlibMessage reply = client.request(TlibMessage.create(MessageType.RequestRegisterClient)
                    .applicationName("bad")
                    .protocolVersion("TLW/1")
                    .extensions(new KeyValueCollection().addString("keepalive-remote-timeout", "1")));
            assertThat(reply.getErrorCode()).isEqualTo(53);
        }
    }
}
