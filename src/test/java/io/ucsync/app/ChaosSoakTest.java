package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ucsync.emulator.tserver.DnState;
import io.ucsync.emulator.tserver.TServerEmulator;
import io.ucsync.emulator.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.tlib.protocol.ServerRole;

/**
 * The chaos soak: ucsync as its own process, workers' presences changing at a steady rate, and during the run, each
 * twice: the T-Server primary killed and its backup promoted; the switch link cut and restored; the front end
 * restarted (every subscription lost); a route file reloaded; a preview declined shortly before ucsync is killed
 * with kill -9 and restarted. At the end every worker's agent state on the T-Server must be what the final presence
 * maps to (the preview-decline windows, whose timers had to survive the kills, long over), and each agent must have
 * been logged in exactly once over all the T-Servers. CI runs 100 workers and 5,000 changes; README "Chaos soak" the
 * full run: {@code -Dsoak.workers=1000 -Dsoak.changes=50000}.
 */
class ChaosSoakTest {

    private static final int WORKERS = Integer.getInteger("soak.workers", 100);
    private static final int CHANGES = Integer.getInteger("soak.changes", 5_000);
    private static final int RATE = Integer.getInteger("soak.rate", 200);
    private static final long SEED = Long.getLong("soak.seed", 7L);
    private static final String TOKEN = "soak-routing-token";
    private static final Duration DECLINE_WINDOW = Duration.ofSeconds(6);
    /** Presences that keep the agent logged in (so a second login is a duplicate), and what the shipped map makes of them. */
    private static final Map<Integer, String> MAPPED = Map.of(3500, "Ready", 6500, "NotReady Busy", 15500, "NotReady Away",
            12500, "NotReady BeRightBack", 9500, "NotReady DoNotDisturb");
    private static final Integer[] PRESENCES = MAPPED.keySet().stream().sorted().toArray(Integer[]::new);

    @TempDir
    Path home;

    private final List<TServerEmulator> tservers = new ArrayList<>();
    private volatile TServerEmulator primary;
    private final Map<String, Integer> faults = new TreeMap<>();
    /** RequestAgentLogin per DN on the servers killed so far (a killed emulator answers nothing, its counts neither). */
    private final Map<String, Integer> loginsOfKilledServers = new TreeMap<>();

    @Test
    void everyWorkerEndsAsTheirPresenceSaysThroughEveryFaultTwice() throws Exception {
        List<Integer> ports = List.of(FreePorts.pick(InetAddress.getLoopbackAddress()), FreePorts.pick(InetAddress.getLoopbackAddress()));
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, WORKERS, "ucsync.kw.preview-api-token=" + TOKEN,
                "ucsync.notready-timeout=" + DECLINE_WINDOW.toSeconds() + "s")) {
            primary = ucsync.tserver();
            tservers.add(primary);
            List<String> endpoints = new ArrayList<>(List.of("127.0.0.1:" + primary.port()));
            ports.forEach(port -> endpoints.add("127.0.0.1:" + port));
            // primary, then the two servers that will take over in turn
            Files.writeString(ucsync.config(), "ucsync.tserver.main.endpoints=" + String.join(",", endpoints) + "\n",
                    StandardOpenOption.APPEND);
            startBackup(ports.get(0));
            ucsync.startProcess();
            awaitEveryAgent(Duration.ofMinutes(2), worker -> "Ready");

            PresenceFlow flow = new PresenceFlow(ucsync);
            List<Runnable> schedule = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                int backupPort = ports.get(round);
                int nextBackupPort = round == 0 ? ports.get(1) : -1;
                schedule.add(() -> switchOver(backupPort, nextBackupPort));
                schedule.add(this::cutSwitchLink);
                schedule.add(() -> restartFrontEnd(ucsync, flow));
                schedule.add(() -> reloadRoute(ucsync));
                schedule.add(() -> declinePreviewThenKill(ucsync));
            }
            try {
                for (int i = 0; i < schedule.size(); i++) {
                    int milestone = CHANGES * (i + 1) / (schedule.size() + 1);
                    await().atMost(Duration.ofMinutes(30)).until(() -> flow.sent.get() >= milestone);
                    schedule.get(i).run();
                }
                await().atMost(Duration.ofMinutes(30)).until(() -> flow.sent.get() >= CHANGES);
            } finally {
                flow.close();
            }

            Map<Integer, String> drift = new TreeMap<>();
            try {
                awaitEveryAgent(Duration.ofSeconds(90), worker -> MAPPED.get(flow.last.getOrDefault(worker, UcsyncHarness.ONLINE)));
            } finally {
                for (int worker = 1; worker <= WORKERS; worker++) {
                    String expected = MAPPED.get(flow.last.getOrDefault(worker, UcsyncHarness.ONLINE));
                    String actual = UcsyncHarness.describe(primary.state(UcsyncHarness.dn(worker)));
                    if (!expected.equals(actual)) {
                        drift.put(worker, "expected " + expected + ", is " + actual);
                    }
                }
                Map<String, Integer> logins = loginsPerDn();
                long duplicateLogins = logins.values().stream().mapToLong(count -> Math.max(0, count - 1)).sum();
                System.out.println("chaos soak: " + WORKERS + " workers, " + flow.sent.get() + " presence changes sent at "
                        + RATE + "/s, faults injected " + faults + ", workers checked " + WORKERS + ", drift " + drift.size()
                        + (drift.isEmpty() ? "" : " " + drift) + ", duplicate logins " + duplicateLogins + ", previews declined "
                        + faults.getOrDefault("preview declined, then kill -9", 0));
                assertThat(duplicateLogins).as("logins beyond the first, per DN: " + logins).isZero();
            }
            assertThat(drift).isEmpty();
            assertThat(faults).hasSize(5).allSatisfy((fault, count) -> assertThat(count).as(fault).isGreaterThanOrEqualTo(2));
        }
    }

    private void startBackup(int port) {
        tservers.add(TServerEmulator.start(TServerEmulatorConfig.builder().port(port).role(ServerRole.Backup)
                .dns(IntStream.rangeClosed(1, WORKERS).mapToObj(UcsyncHarness::dn).toList())
                .mirrorOf(new InetSocketAddress("127.0.0.1", primary.port())).build()));
    }

    /** The primary crashes; the backup is promoted (its mirror knows every agent); a new backup follows it. */
    private void switchOver(int backupPort, int nextBackupPort) {
        TServerEmulator backup = tservers.stream().filter(server -> server.port() == backupPort).findFirst().orElseThrow();
        awaitMirrored(backup);
        addLogins(primary, loginsOfKilledServers);
        tservers.remove(primary);
        primary.kill();
        backup.promote();
        primary = backup;
        if (nextBackupPort > 0) {
            startBackup(nextBackupPort);
        }
        count("T-Server primary killed, backup promoted");
    }

    /** The backup has every agent in the state the primary has. */
    private void awaitMirrored(TServerEmulator backup) {
        await().atMost(Duration.ofSeconds(30)).until(() -> IntStream.rangeClosed(1, WORKERS).mapToObj(UcsyncHarness::dn)
                .allMatch(dn -> UcsyncHarness.describe(backup.state(dn)).equals(UcsyncHarness.describe(primary.state(dn)))));
    }

    private void cutSwitchLink() {
        TServerEmulator server = primary;
        server.linkDown();
        int refusedBefore = refusals(server);
        // while the link is down, requests are refused with 54 (no link): wait for some to be refused
        await().atMost(Duration.ofSeconds(20)).until(() -> refusals(server) > refusedBefore);
        server.linkUp();
        count("switch link cut and restored");
    }

    private static int refusals(TServerEmulator server) {
        return server.stats().values().stream().mapToInt(perType -> perType.getOrDefault("RequestAgentNotReady", 0)
                + perType.getOrDefault("RequestAgentReady", 0)).sum();
    }

    private void restartFrontEnd(UcsyncHarness ucsync, PresenceFlow flow) {
        flow.pause.lock();
        try {
            ucsync.restartFrontEnd(flow.last);
        } finally {
            flow.pause.unlock();
        }
        count("front end restarted");
    }

    private void reloadRoute(UcsyncHarness ucsync) {
        try {
            Files.writeString(ucsync.home.resolve("routes/presence-in.camel.yaml"), "# touched by the chaos soak\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        count("route file reloaded");
    }

    /** A worker declines an offered preview, and a second later ucsync dies: the window's timer must fire after the restart. */
    private void declinePreviewThenKill(UcsyncHarness ucsync) {
        try {
            int worker = 1 + faults.getOrDefault("preview declined, then kill -9", 0);
            String cookie = ucsync.signIn(worker, UcsyncHarness.password(worker));
            ucsync.previewApi("POST", "?worker=" + URLEncoder.encode(worker(worker), StandardCharsets.UTF_8) + "&timeout=60", TOKEN);
            assertThat(ucsync.api("POST", worker, "/preview/decline", cookie, true).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> "NotReady PreviewDeclined".equals(UcsyncHarness.describe(
                    primary.state(UcsyncHarness.dn(worker)))));
            ucsync.killProcess();
            ucsync.startProcess();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        count("preview declined, then kill -9");
    }

    private void count(String fault) {
        faults.merge(fault, 1, Integer::sum);
    }

    private void awaitEveryAgent(Duration atMost, java.util.function.IntFunction<String> expected) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> IntStream.rangeClosed(1, WORKERS)
                .allMatch(worker -> expected.apply(worker).equals(UcsyncHarness.describe(primary.state(UcsyncHarness.dn(worker))))));
    }

    private Map<String, Integer> loginsPerDn() {
        Map<String, Integer> logins = new TreeMap<>(loginsOfKilledServers);
        tservers.forEach(server -> addLogins(server, logins));
        return logins;
    }

    private static void addLogins(TServerEmulator server, Map<String, Integer> logins) {
        server.stats().forEach((dn, perType) -> logins.merge(dn, perType.getOrDefault("RequestAgentLogin", 0), Integer::sum));
    }

    /** Sets random presences on the front end at a steady rate until closed; remembers each worker's last one. */
    private static final class PresenceFlow implements AutoCloseable {
        final Map<Integer, Integer> last = new ConcurrentHashMap<>();
        final AtomicInteger sent = new AtomicInteger();
        final ReentrantLock pause = new ReentrantLock();
        private final AtomicBoolean flowing = new AtomicBoolean(true);
        private final Thread thread;

        PresenceFlow(UcsyncHarness ucsync) {
            Random random = new Random(SEED);
            long periodNanos = 1_000_000_000L / RATE;
            thread = new Thread(() -> {
                long next = System.nanoTime();
                while (flowing.get() && sent.get() < CHANGES) {
                    int worker = 1 + random.nextInt(WORKERS);
                    int availability = PRESENCES[random.nextInt(PRESENCES.length)];
                    pause.lock();
                    try {
                        last.put(worker, availability);
                        ucsync.frontEnd().presence(worker(worker), availability, null, PresenceSource.USER);
                    } finally {
                        pause.unlock();
                    }
                    sent.incrementAndGet();
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        // pacing of a steady load, not a wait for a condition
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
            }, "soak-presence-flow");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            flowing.set(false);
            thread.join();
        }
    }
}
