package io.ucsync.lab.tserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backup role (58), promotion, and a backup that mirrors its primary through a failover. */
class TServerEmulatorHighAvailabilityTest {

    private static final List<String> DNS = List.of("5001", "5002", "5003");

    private static TServerEmulatorConfig.Builder config() {
        return TServerEmulatorConfig.builder().dns(DNS);
    }

    private static TServerEmulatorConfig backupOf(TServerEmulator primary) {
        return config().role(ServerRole.Backup)
                .mirrorOf(new InetSocketAddress("127.0.0.1", primary.port()))
                .build();
    }

    /** The mirror registers every DN, then queries every DN: once the last query is in, it hears every event. */
    private static void awaitFollowing(TServerEmulator primary) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> primary.stats()
                        .getOrDefault(DNS.get(DNS.size() - 1), Map.of())
                        .containsKey("RequestQueryAddress"));
    }

    @Test
    void backupAnswersRegisterClientThen58UntilPromoted() throws Exception {
        try (TServerEmulator backup =
                        TServerEmulator.start(config().role(ServerRole.Backup).build());
                TestTlibClient client = TestTlibClient.connect(backup.port())) {
            assertThat(client.registerClient().getServerRole()).isEqualTo(ServerRole.Backup);
            client.next(MessageType.EventLinkConnected);
            TlibMessage refused = client.request(TestTlibClient.registerAddress("5001"));
            assertThat(refused.getErrorCode()).isEqualTo(58);
            assertThat(refused.getThisDN()).isEqualTo("5001");

            backup.promote();
            TlibMessage changed = client.next(MessageType.EventPrimaryChanged);
            assertThat(changed.getServerRole()).isEqualTo(ServerRole.Primary);
            assertThat(changed.getReferenceId()).isNull();
            assertThat(backup.role()).isEqualTo(ServerRole.Primary);
            assertThat(client.request(TestTlibClient.registerAddress("5001")).type())
                    .isEqualTo(MessageType.EventRegistered);
        }
    }

    @Test
    void mirroringBackupFollowsAgentsDndAndCallsAndKeepsThemAfterFailover() throws Exception {
        TServerEmulator primary = TServerEmulator.start(config().build());
        try (TestTlibClient client = TestTlibClient.connect(primary.port())) {
            client.open("5001", "5002");
            // logged in before the backup starts: the backup learns it by RequestQueryAddress
            client.request(TlibMessage.create(MessageType.RequestAgentLogin)
                    .thisDN("5001")
                    .agentId("agent01")
                    .password("")
                    .agentWorkMode(AgentWorkMode.ManualIn)
                    .reasonCode(null));
            client.next(MessageType.EventAgentReady);

            try (TServerEmulator backup = TServerEmulator.start(backupOf(primary))) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> "agent01".equals(backup.state("5001").agentId()));
                // changes after the backup started arrive as events
                client.request(TlibMessage.create(MessageType.RequestAgentLogin)
                        .thisDN("5002")
                        .agentId("agent02")
                        .password("")
                        .agentWorkMode(AgentWorkMode.AuxWork)
                        .reasons(new KeyValueCollection().addString("ReasonCode", "Busy")));
                client.next(MessageType.EventAgentNotReady);
                client.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5002"));
                ConnectionId connId = primary.call("+4930123", "5001");
                client.next(MessageType.EventRinging);
                primary.answer(connId);
                client.next(MessageType.EventEstablished);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> backup.states().equals(primary.states()));
                assertThat(backup.state("5002"))
                        .extracting(DnState::agentId, DnState::status, DnState::reasonCode, DnState::dnd)
                        .containsExactly("agent02", AgentStatus.NotReady, "Busy", true);

                primary.kill();
                await().atMost(Duration.ofSeconds(5)).until(client::isClosedByPeer);
                backup.promote();

                try (TestTlibClient failedOver = TestTlibClient.connect(backup.port())) {
                    assertThat(failedOver.registerClient().getServerRole()).isEqualTo(ServerRole.Primary);
                    failedOver.next(MessageType.EventLinkConnected);
                    failedOver.request(TestTlibClient.registerAddress("5001"));
                    TlibMessage info = failedOver.request(TestTlibClient.query("5001"));
                    assertThat(info.getAgentId()).isEqualTo("agent01");
                    assertThat(info.getAddressInfoStatus()).isEqualTo(AgentStatus.Ready);
                    assertThat(backup.state("5001").calls()).containsExactly(connId.toString());
                    TlibMessage released = failedOver.request(TlibMessage.create(MessageType.RequestReleaseCall)
                            .thisDN("5001")
                            .connId(connId));
                    assertThat(released.type()).isEqualTo(MessageType.EventReleased);
                }
            }
        } finally {
            primary.close();
        }
    }

    @Test
    void mirroringBackupFollowsLogoutAndRelease() throws Exception {
        try (TServerEmulator primary = TServerEmulator.start(config().build());
                TServerEmulator backup = TServerEmulator.start(backupOf(primary));
                TestTlibClient client = TestTlibClient.connect(primary.port())) {
            awaitFollowing(primary);
            client.open("5001", "5002");
            client.request(TlibMessage.create(MessageType.RequestAgentLogin)
                    .thisDN("5001")
                    .agentId("agent01")
                    .password("")
                    .agentWorkMode(AgentWorkMode.ManualIn)
                    .reasonCode(null));
            client.next(MessageType.EventAgentReady);
            TlibMessage dialing = client.request(TlibMessage.create(MessageType.RequestMakeCall)
                    .thisDN("5001")
                    .otherDN("5002"));
            client.next(MessageType.EventRinging);
            await().atMost(Duration.ofSeconds(5)).until(() -> backup.states().equals(primary.states()));
            assertThat(backup.state("5002").calls())
                    .containsExactly(dialing.getConnId().toString());

            client.request(TlibMessage.create(MessageType.RequestReleaseCall)
                    .thisDN("5002")
                    .connId(dialing.getConnId()));
            client.next(MessageType.EventReleased);
            client.request(TlibMessage.create(MessageType.RequestAgentLogout).thisDN("5001"));
            await().atMost(Duration.ofSeconds(5)).until(() -> backup.states().equals(primary.states()));
            assertThat(backup.state("5001").status()).isEqualTo(AgentStatus.LoggedOut);
            assertThat(backup.state("5002").calls()).isEmpty();
        }
    }
}
