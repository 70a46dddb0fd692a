package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.tlib.TlibComponent;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.protocol.ServerRole;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site with two T-Servers, configured with properties and roster only (README "Pointing ucsync at real servers"):
 * east, a primary with its backup, serving two workers, and west serving one.
 */
class TopologyTest {

    private static final int BUSY = 6500;
    private static final int AWAY = 15500;
    private static final int BE_RIGHT_BACK = 12500;
    private static final int[] WEST_PRESENCES = {UcsyncHarness.ONLINE, BUSY, AWAY};

    @TempDir
    Path home;

    @Test
    void eachWorkerIsServedByItsOwnTServerAndASwitchoverOfOneLeavesTheOtherUndisturbed() throws Exception {
        LinkedHashMap<String, List<Integer>> topology = new LinkedHashMap<>();
        topology.put("east", List.of(1, 2));
        topology.put("west", List.of(3));
        try (UcsyncHarness ucsync = UcsyncHarness.withTServers(home, topology)) {
            TServerEmulator east = ucsync.tserver("east");
            int backupPort = FreePorts.pick(InetAddress.getLoopbackAddress());
            try (TServerEmulator eastBackup = TServerEmulator.start(TServerEmulatorConfig.builder()
                    .port(backupPort)
                    .role(ServerRole.Backup)
                    .dns(ucsync.dnsOf("east"))
                    .mirrorOf(new InetSocketAddress("127.0.0.1", east.port()))
                    .build())) {
                Files.writeString(
                        ucsync.config(),
                        "ucsync.tserver.east.endpoints=127.0.0.1:" + east.port() + ",127.0.0.1:" + backupPort + "\n",
                        StandardOpenOption.APPEND);
                ucsync.start();

                ucsync.awaitAgent(1, "Ready");
                ucsync.awaitAgent(2, "Ready");
                ucsync.awaitAgent(3, "Ready");
                assertThat(ucsync.tserver("west").state(UcsyncHarness.dn(3)).agentId())
                        .isEqualTo("agent1003");
                assertThat(ucsync.connector()
                                .camelContext()
                                .getComponent("tlib", TlibComponent.class)
                                .links())
                        .as("a link for each configured T-Server, and none other")
                        .extracting(TServerLink::name)
                        .containsExactlyInAnyOrder("east", "west");
                assertThat(ucsync.connector().camelContext().getRoute("tserver-events-east"))
                        .isNotNull();
                assertThat(ucsync.connector().camelContext().getRoute("tserver-events-west"))
                        .isNotNull();
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> health(ucsync).contains("\"status\":\"UP\""));
                assertThat(health(ucsync))
                        .contains("{\"name\":\"tserver-link-east\",\"status\":\"UP\"}")
                        .contains("{\"name\":\"tserver-link-west\",\"status\":\"UP\"}");

                ucsync.frontEnd().presence(worker(1), BUSY, null, PresenceSource.USER);
                ucsync.frontEnd().presence(worker(3), AWAY, null, PresenceSource.USER);
                ucsync.awaitAgent(1, "NotReady Busy");
                ucsync.awaitAgent(3, "NotReady Away");

                // west's worker keeps changing while east's primary dies and its backup takes over
                AtomicBoolean flowing = new AtomicBoolean(true);
                AtomicInteger westChanges = new AtomicInteger();
                AtomicReference<Throwable> westFailure = new AtomicReference<>();
                Thread westFlow = new Thread(
                        () -> {
                            try {
                                while (flowing.get()) {
                                    int presence =
                                            WEST_PRESENCES[westChanges.getAndIncrement() % WEST_PRESENCES.length];
                                    ucsync.frontEnd().presence(worker(3), presence, null, PresenceSource.USER);
                                    String expected = presence == BUSY
                                            ? "NotReady Busy"
                                            : presence == AWAY ? "NotReady Away" : "Ready";
                                    ucsync.awaitAgent(3, expected);
                                }
                            } catch (Throwable e) {
                                westFailure.set(e);
                            }
                        },
                        "west-presence-flow");
                westFlow.start();

                await().atMost(Duration.ofSeconds(10)).until(() -> mirrored(east, eastBackup));
                long killed = System.nanoTime();
                east.kill();
                ucsync.frontEnd().presence(worker(2), AWAY, null, PresenceSource.USER);
                eastBackup.promote();
                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                "NotReady Away".equals(UcsyncHarness.describe(eastBackup.state(UcsyncHarness.dn(2)))));
                long recoveredMillis = (System.nanoTime() - killed) / 1_000_000;
                assertThat(UcsyncHarness.describe(eastBackup.state(UcsyncHarness.dn(1))))
                        .isEqualTo("NotReady Busy");
                int westChangesDuringSwitchover = westChanges.get();
                flowing.set(false);
                westFlow.join(30_000);
                assertThat(westFailure.get())
                        .as("every presence of west's worker reached west in turn")
                        .isNull();

                assertThat(ucsync.tserver("west").stats().get(UcsyncHarness.dn(3)))
                        .as("west's agent was never logged in again")
                        .containsEntry("RequestAgentLogin", 1);
                assertThat(eastBackup.stats().get(UcsyncHarness.dn(1)))
                        .as("east's agents kept their login on the backup")
                        .doesNotContainKey("RequestAgentLogin");

                // west down: its worker's audit says why nothing happens; east's workers go on
                ucsync.tserver("west").kill();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> health(ucsync).contains("{\"name\":\"tserver-link-west\",\"status\":\"DOWN\"}"));
                ucsync.frontEnd().presence(worker(3), BE_RIGHT_BACK, null, PresenceSource.USER);
                ucsync.frontEnd().presence(worker(1), UcsyncHarness.ONLINE, null, PresenceSource.USER);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "Ready".equals(UcsyncHarness.describe(eastBackup.state(UcsyncHarness.dn(1)))));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> ucsync.connector().workerViews().audit(worker(3), 1).stream()
                                .anyMatch(entry -> entry.cause().contains("not carried out")
                                        && entry.cause().contains("'west'")));
                System.out.printf(
                        "topology: east's workers recovered on its backup %d ms after its primary was killed;"
                                + " west's worker went through %d presence changes meanwhile%n",
                        recoveredMillis, westChangesDuringSwitchover);
            }
        }
    }

    private static boolean mirrored(TServerEmulator primary, TServerEmulator backup) {
        return primary.states().stream()
                .allMatch(state ->
                        UcsyncHarness.describe(state).equals(UcsyncHarness.describe(backup.state(state.dn()))));
    }

    /** What /observe/health says (503 while a check is DOWN). */
    private static String health(UcsyncHarness ucsync) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ucsync.managementPort + "/observe/health"))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
