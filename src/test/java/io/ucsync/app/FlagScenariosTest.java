package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.presence.PresenceSource;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's own choices through the KW API: contact-center Do-Not-Disturb, and a declined preview with its
 * NotReady window ended by a durable Quartz timer, also across a kill -9 of the connector.
 */
class FlagScenariosTest {

    @TempDir
    Path home;

    @Test
    void contactCenterDndHoldsNotReadyLeavesTheEnterprisePresenceAloneAndAppliesThePresenceWhenLifted()
            throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(1, "Ready");

            HttpResponse<String> on = ucsync.api("PUT", 1, "/cc-dnd?on=true");
            assertThat(on.statusCode()).isEqualTo(200);
            assertThat(on.body()).contains("\"contactCenterDnd\":true");
            ucsync.awaitAgent(1, "NotReady CCDoNotDisturb");

            ucsync.frontEnd().presence(worker(1), 6500, null, PresenceSource.USER);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(1)).equals("NotReady CCDoNotDisturb"));
            assertThat(ucsync.frontEnd().publications(worker(1)))
                    .as("the enterprise presence is not touched")
                    .isEmpty();

            assertThat(ucsync.api("PUT", 1, "/cc-dnd?on=false").statusCode()).isEqualTo(200);
            ucsync.awaitAgent(1, "NotReady Busy");

            assertThat(ucsync.api("PUT", 1, "/cc-dnd?on=maybe").statusCode()).isEqualTo(400);
            assertThat(ucsync.api("GET", 1, "/audit").body())
                    .as("the audit log, newest first")
                    .startsWith("[{")
                    .contains("\"change\":\"NotReady(AuxWork, CCDoNotDisturb) -> NotReady(AuxWork, Busy)\"")
                    .contains("contact-center DND off");
            assertThat(ucsync.api("GET", 1, "").body())
                    .contains("\"agentState\":\"NotReady(AuxWork, Busy)\"")
                    .contains("\"presence\":\"Busy@user\"");
        }
    }

    @Test
    void aDeclinedPreviewHoldsNotReadyForTheTimeoutThenAppliesThePresenceOfThatMoment() throws Exception {
        try (UcsyncHarness ucsync =
                UcsyncHarness.in(home, "ucsync.notready-timeout=3s").start()) {
            ucsync.awaitAgent(1, "Ready");

            assertThat(ucsync.api("POST", 1, "/preview/decline").statusCode())
                    .as("nothing offered, nothing to decline")
                    .isEqualTo(409);
            assertThat(UcsyncHarness.describe(ucsync.agent(1))).isEqualTo("Ready");
            ucsync.offerPreview(1);
            Instant declined = Instant.now();
            assertThat(ucsync.api("POST", 1, "/preview/decline").statusCode()).isEqualTo(200);
            ucsync.awaitAgent(1, "NotReady PreviewDeclined");
            ucsync.frontEnd().presence(worker(1), 15500, null, PresenceSource.USER);
            await().during(Duration.ofMillis(800))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(1)).equals("NotReady PreviewDeclined"));

            ucsync.awaitAgent(1, "NotReady Away");
            assertThat(Instant.now()).as("not before the window ends").isAfterOrEqualTo(declined.plusSeconds(3));
            assertThat(ucsync.connector().workerViews().audit(worker(1), 5))
                    .anySatisfy(entry -> assertThat(entry.cause()).contains("preview-decline window over"));
        }
    }

    @Test
    void theWindowEndsOnTimeAfterTheConnectorIsKilledAndStartedAgainInsideIt() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, "ucsync.notready-timeout=6s")) {
            ucsync.startProcess();
            ucsync.awaitAgent(1, "Ready");
            ucsync.offerPreview(1);
            assertThat(ucsync.api("POST", 1, "/preview/decline").statusCode()).isEqualTo(200);
            Instant declined = Instant.now();
            ucsync.awaitAgent(1, "NotReady PreviewDeclined");

            ucsync.killProcess();
            ucsync.startProcess();

            ucsync.awaitAgent(1, "Ready");
            assertThat(Instant.now())
                    .as("the window was kept across the kill")
                    .isAfterOrEqualTo(declined.plusSeconds(5));
            assertThat(ucsync.tserver().stats().get(UcsyncHarness.dn(1)))
                    .as("no duplicate login after the restart")
                    .containsEntry("RequestAgentLogin", 1);
        }
    }
}
