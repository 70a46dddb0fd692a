package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
import io.ucsync.state.peers.PostgresPeer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ucsync as a user runs it (its own process) with PostgreSQL 15 as its store: presence changes reach the T-Server, and
 * go on reaching it, none lost, through a restart of PostgreSQL; a store that cannot be reached stops the start in one
 * line.
 */
class StateStoreScenariosTest {

    private static final int WORKERS = 20;
    private static final String OUTAGE = "cannot be reached";
    private static final String BACK = "reached again";

    @TempDir
    Path home;

    @Test
    void presenceChangesFlowThroughARestartOfPostgresqlNoneLostAndTheOutageLoggedOnce() throws Exception {
        try (PostgresPeer postgres = PostgresPeer.start();
                UcsyncHarness ucsync =
                        UcsyncHarness.onPostgres(home, WORKERS, postgres.createDatabase(), postgres.user(), "")) {
            ucsync.startProcess();
            for (int worker = 1; worker <= WORKERS; worker++) {
                ucsync.awaitAgent(worker, "Ready");
            }
            long stoppedAt;
            long noticedAt;
            long startedAt;
            long recoveredAt;
            int sentDuringOutage;
            PresenceFlow flow = ucsync.presenceFlow();
            try (flow) {
                await().atMost(Duration.ofSeconds(10)).until(() -> flow.sent.get() > 300);
                int sentBefore = flow.sent.get();
                stoppedAt = System.nanoTime();
                postgres.stop();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !logLines(ucsync, OUTAGE).isEmpty());
                noticedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(10)).until(() -> flow.sent.get() > sentBefore + 400);
                postgres.startAgain();
                startedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !logLines(ucsync, BACK).isEmpty());
                recoveredAt = System.nanoTime();
                sentDuringOutage = flow.sent.get() - sentBefore;
                int sentAfter = flow.sent.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> flow.sent.get() > sentAfter + 300);
            }
            PresenceFlow.awaitEveryWorkerAsMapped(ucsync, flow.last);
            for (int worker = 1; worker <= WORKERS; worker++) {
                assertThat(ucsync.tserver()
                                .stats()
                                .get(UcsyncHarness.dn(worker))
                                .get("RequestAgentLogin"))
                        .as("logins of worker %d", worker)
                        .isEqualTo(1);
            }
            assertThat(logLines(ucsync, OUTAGE))
                    .as("the outage, logged once")
                    .hasSize(1)
                    .allMatch(line -> line.contains("WARN"));
            assertThat(logLines(ucsync, BACK))
                    .as("its end, logged once")
                    .hasSize(1)
                    .allMatch(line -> line.contains("INFO"));
            System.out.printf(
                    "PostgreSQL restarted under %d presence changes (%d while it was down or recovering): noticed %d ms"
                            + " after pg_ctl stop, recovered %d ms after it accepted connections again (%d ms in all); %d workers"
                            + " converged, none lost, 0 duplicate logins%n",
                    flow.sent.get(),
                    sentDuringOutage,
                    (noticedAt - stoppedAt) / 1_000_000,
                    (recoveredAt - startedAt) / 1_000_000,
                    (recoveredAt - stoppedAt) / 1_000_000,
                    WORKERS);
        }
    }

    @Test
    void aStoreThatCannotBeReachedStopsTheStartWithOneLineNamingItsUrl() throws Exception {
        int port = FreePorts.pick(InetAddress.getLoopbackAddress());
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/ucsync";
        try (UcsyncHarness ucsync = UcsyncHarness.onPostgres(home, 3, url, "ucsync", "never-printed")) {
            assertThat(ucsync.runProcessUntilExit()).isEqualTo(1);
            List<String> log = ucsync.log();
            assertThat(log)
                    .filteredOn(line -> line.contains(url))
                    .singleElement()
                    .asString()
                    .contains("ERROR")
                    .contains("ucsync cannot start: state store " + url + " cannot be reached: Connection to 127.0.0.1:"
                            + port + " refused");
            assertThat(log)
                    .as("no stack trace")
                    .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by"));
            assertThat(String.join("\n", log)).doesNotContain("never-printed");
        }
    }

    private static List<String> logLines(UcsyncHarness ucsync, String text) throws Exception {
        return ucsync.log().stream().filter(line -> line.contains(text)).toList();
    }
}
