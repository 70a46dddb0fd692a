package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.ConsumerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart and reload while presence changes flow: after a kill -9 every worker converges with no duplicate login;
 * a route file edited in place takes effect and a route file with a typo is refused, with no change lost.
 */
class RestartAndReloadScenariosTest {

    private static final int WORKERS = 20;

    @TempDir
    Path home;

    @Test
    void killedWithKill9WhileChangesFlowEveryWorkerConvergesWithoutADuplicateLogin() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, WORKERS)) {
            ucsync.startProcess();
            for (int worker = 1; worker <= WORKERS; worker++) {
                ucsync.awaitAgent(worker, "Ready");
            }
            PresenceFlow flow = ucsync.presenceFlow();
            await().atMost(Duration.ofSeconds(10)).until(() -> flow.sent.get() > 300);
            ucsync.killProcess();
            int sentWhileUp = flow.sent.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> flow.sent.get() > sentWhileUp + 100);
            ucsync.startProcess();
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > sentWhileUp + 600);
            flow.close();

            PresenceFlow.awaitEveryWorkerAsMapped(ucsync, flow.last);
            for (int worker = 1; worker <= WORKERS; worker++) {
                assertThat(ucsync.tserver()
                                .stats()
                                .get(UcsyncHarness.dn(worker))
                                .get("RequestAgentLogin"))
                        .as("logins of worker %d", worker)
                        .isEqualTo(1);
            }
            System.out.printf(
                    "kill -9: %d presence changes sent, %d workers converged, 0 duplicate logins%n",
                    flow.sent.get(), WORKERS);
        }
    }

    @Test
    void anEditedRouteFileTakesEffectInPlaceAndATypoIsRefusedWhileChangesFlowAndNothingIsLost() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, WORKERS).start()) {
            for (int worker = 1; worker <= WORKERS; worker++) {
                ucsync.awaitAgent(worker, "Ready");
            }
            Path routeFile = home.resolve("routes/presence-in.camel.yaml");
            String original = Files.readString(routeFile);
            try (PresenceFlow flow = ucsync.presenceFlow()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> flow.sent.get() > 200);

                // the edit: every presence is also copied to a queue an operator could watch
                Files.writeString(
                        routeFile,
                        original.replaceFirst(
                                "(?m)^( *)- to: direct:commands$",
                                "$1- to: direct:commands\n$1- to: seda:presence-seen"),
                        StandardCharsets.UTF_8);
                ConsumerTemplate seen = ucsync.connector().camelContext().createConsumerTemplate();
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.receiveBody("seda:presence-seen", 100) != null);

                int before = flow.sent.get();
                Files.writeString(routeFile, original.replace("steps:", "stepz:"), StandardCharsets.UTF_8);
                await().atMost(Duration.ofSeconds(10)).until(() -> flow.sent.get() > before + 300);
                assertThat(ucsync.connector().camelContext().getRoute("presence-in-uc"))
                        .as("the running route stays")
                        .isNotNull();
                assertThat(seen.receiveBody("seda:presence-seen", 2000))
                        .as("and it is still the edited one")
                        .isNotNull();
            }
            PresenceFlow.awaitEveryWorkerAsMapped(ucsync, lastPresences(ucsync));
        }
    }

    private static Map<Integer, Integer> lastPresences(UcsyncHarness ucsync) {
        Map<Integer, Integer> last = new HashMap<>();
        for (int worker = 1; worker <= WORKERS; worker++) {
            last.put(worker, ucsync.frontEnd().ownPresence(worker(worker)).availability());
        }
        return last;
    }
}
