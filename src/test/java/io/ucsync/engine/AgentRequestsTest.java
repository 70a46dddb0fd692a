package io.ucsync.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.config.RosterEntry;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine's RequestAgentLogin and RequestAgentNotReady carry Reasons, empty when there is no reason code, as
 * src/main/docs/tlw1.md section 5 (steps 5 and 6) requires; the emulator, which refuses them without it, takes them.
 */
class AgentRequestsTest {

    private static final RosterEntry WORKER =
            new RosterEntry("sip:alice@example.com", "5001", "agent01", "main", null, null, null, null);

    @Test
    void loginAndNotReadyCarryReasonsWithOrWithoutAReasonCodeAndTheTServerTakesThem() throws Exception {
        try (TServerEmulator emulator = TServerEmulator.start(
                        TServerEmulatorConfig.builder().dns(List.of("5001")).build());
                TServerLink link = new TServerLink(
                        "main",
                        TServerLinkConfig.builder()
                                .endpoints("127.0.0.1:" + emulator.port())
                                .build(),
                        null)) {
            link.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);

            TlibMessage login = request(new AgentAction.Login(AgentWorkMode.ManualIn, null));
            assertThat(login.getReasons())
                    .as("Reasons of a login without a reason")
                    .isEqualTo(new KeyValueCollection());
            assertThat(answer(link, login).type()).isEqualTo(MessageType.EventAgentLogin);
            assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.Ready);

            TlibMessage notReady = request(new AgentAction.NotReady(AgentWorkMode.AuxWork, null));
            assertThat(notReady.getReasons())
                    .as("Reasons of a NotReady without a reason")
                    .isEqualTo(new KeyValueCollection());
            assertThat(answer(link, notReady).type()).isEqualTo(MessageType.EventAgentNotReady);
            assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.NotReady);
            assertThat(emulator.state("5001").reasonCode()).isNull();

            TlibMessage lunch = request(new AgentAction.NotReady(AgentWorkMode.AuxWork, "Lunch"));
            assertThat(lunch.getReasons())
                    .isEqualTo(new KeyValueCollection().addString(TlibMessage.REASON_CODE_KEY, "Lunch"));
            assertThat(answer(link, lunch).getReasonCode()).isEqualTo("Lunch");
            assertThat(emulator.state("5001").reasonCode()).isEqualTo("Lunch");
        }
    }

    private static TlibMessage request(AgentAction action) {
        return AgentRequests.toRequest(WORKER, action, "test", "test").request();
    }

    private static TlibMessage answer(TServerLink link, TlibMessage request) throws Exception {
        return link.request(request).get(5, TimeUnit.SECONDS);
    }
}
