package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.tserver.JournalEntry;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.ServerRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos soak: ucsync as its own process, or as a cluster of nodes on PostgreSQL and ZooKeeper
 * ({@link SoakTopology}), workers' presences changing at a steady rate, an agent desktop changing some agents' states
 * now and then (after-call work, a break, Ready), and during the run, each twice: the T-Server primary killed and its
 * backup promoted; the switch link cut and restored; the front end restarted (every subscription lost); a route file
 * reloaded; a preview declined shortly before the ucsync process acting for the worker is killed with kill -9 and
 * restarted; in a cluster also a node killed, its partitions taken over by the others, and started again. At the end
 * every worker's agent state on the T-Server must be what ucsync should have made of it (no drift from the desired
 * state that respects external changes): what the final presence maps to, or, where ucsync says it leaves the agent
 * as another T-Server client set it, the state the desktop last set (the preview-decline windows, whose timers had to
 * survive the kills and fire once, long over); each agent must have been logged in exactly once over all the
 * T-Servers; in a cluster, never two nodes acting for one partition at once. CI runs 100 workers and 5,000 changes in
 * each topology; src/main/docs/testing.md "Chaos soak" the full run: {@code -Dsoak.workers=1000
 * -Dsoak.changes=50000}, the cluster's shape {@code -Dsoak.nodes=2 -Dsoak.partitions=4}.
 */
class ChaosSoakTest {

    private static final int WORKERS = Integer.getInteger("soak.workers", 100);
    private static final int CHANGES = Integer.getInteger("soak.changes", 5_000);
    private static final int RATE = Integer.getInteger("soak.rate", 200);
    private static final long SEED = Long.getLong("soak.seed", 7L);
    /** The cluster variant's nodes and partitions. */
    private static final int NODES = Integer.getInteger("soak.nodes", 2);

    private static final int PARTITIONS = Integer.getInteger("soak.partitions", 4);
    private static final String TOKEN = "soak-routing-token";
    private static final String DECLINED = "preview declined, then kill -9";
    private static final Duration DECLINE_WINDOW = Duration.ofSeconds(6);
    private static final Integer[] PRESENCES =
            io.ucsync.app.PresenceFlow.MAPPED.keySet().stream().sorted().toArray(Integer[]::new);
    /** What the desktop sets, as {@link UcsyncHarness#describe} shows it, with the work mode it sends. */
    private static final Map<String, AgentWorkMode> DESKTOP_STATES = Map.of(
            "Ready",
            AgentWorkMode.ManualIn,
            "NotReady ACW",
            AgentWorkMode.AfterCallWork,
            "NotReady Break",
            AgentWorkMode.AuxWork);

    private static final String[] DESKTOP_CHOICES =
            DESKTOP_STATES.keySet().stream().sorted().toArray(String[]::new);
    /** One step in this many is the desktop's, for a worker of its tenth. */
    private static final int DESKTOP_EVERY = 5;

    @TempDir
    Path home;

    private final List<TServerEmulator> tservers = new ArrayList<>();
    private volatile TServerEmulator primary;
    private final Map<String, Integer> faults = new TreeMap<>();
    /** RequestAgentLogin per DN on the servers killed so far (a killed emulator answers nothing, its counts neither). */
    private final Map<String, Integer> loginsOfKilledServers = new TreeMap<>();
    /** The request journals of the servers killed so far, for who acted on each DN when. */
    private final List<List<JournalEntry>> journalsOfKilledServers = new ArrayList<>();

    @Test
    void everyWorkerEndsAsTheirPresenceSaysThroughEveryFaultTwice() throws Exception {
        try (SoakTopology ucsync = SoakTopology.singleProcess(home, WORKERS, soakProperties())) {
            soak(ucsync);
        }
    }

    /** The same soak against a cluster; besides its faults, each node in turn killed and started again. */
    @Test
    void aClusterKeepsEveryWorkerRightThroughEveryFaultAndTheLossOfEachNode() throws Exception {
        try (SoakTopology cluster = SoakTopology.cluster(home, WORKERS, NODES, PARTITIONS, soakProperties())) {
            soak(cluster);
        }
    }

    private static String[] soakProperties() {
        return new String[] {
            "ucsync.kw.preview-api-token=" + TOKEN, "ucsync.notready-timeout=" + DECLINE_WINDOW.toSeconds() + "s"
        };
    }

    private void soak(SoakTopology ucsync) throws Exception {
        List<Integer> ports = List.of(
                FreePorts.pick(InetAddress.getLoopbackAddress()), FreePorts.pick(InetAddress.getLoopbackAddress()));
        long began = System.nanoTime();
        primary = ucsync.tserver();
        tservers.add(primary);
        List<String> endpoints = new ArrayList<>(List.of("127.0.0.1:" + primary.port()));
        ports.forEach(port -> endpoints.add("127.0.0.1:" + port));
        // primary, then the two servers that will take over in turn
        ucsync.addProperties("ucsync.tserver.main.endpoints=" + String.join(",", endpoints));
        startBackup(ports.get(0));
        ucsync.start();
        awaitEveryAgent(Duration.ofMinutes(2), worker -> "Ready");

        AgentDesktop desktop = AgentDesktop.connectedTo(String.join(",", endpoints));
        PresenceFlow flow = new PresenceFlow(ucsync, desktop);
        List<Runnable> schedule = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            int backupPort = ports.get(round);
            int nextBackupPort = round == 0 ? ports.get(1) : -1;
            schedule.add(() -> switchOver(backupPort, nextBackupPort, flow));
            schedule.add(this::cutSwitchLink);
            schedule.add(() -> restartFrontEnd(ucsync, flow));
            schedule.add(() -> reloadRoute(ucsync));
            schedule.add(() -> declinePreviewThenKill(ucsync));
            int thisRound = round;
            ucsync.ownFaults()
                    .forEach((fault, inject) -> schedule.add(() -> {
                        inject.accept(thisRound);
                        count(fault);
                    }));
        }
        try {
            // the changes in equal shares, a fault after each share but the last
            IntUnaryOperator endOfShare = share -> (int) ((long) CHANGES * (share + 1) / (schedule.size() + 1));
            flow.allowUpTo(endOfShare.applyAsInt(0));
            for (int i = 0; i < schedule.size(); i++) {
                int milestone = endOfShare.applyAsInt(i);
                await().atMost(Duration.ofMinutes(30)).until(() -> flow.sent.get() >= milestone);
                flow.allowUpTo(endOfShare.applyAsInt(i + 1));
                schedule.get(i).run();
            }
            await().atMost(Duration.ofMinutes(30)).until(() -> flow.sent.get() >= CHANGES);
        } finally {
            flow.close();
            desktop.close();
        }

        Map<Integer, String> drift = new TreeMap<>();
        try {
            awaitEveryAgent(Duration.ofSeconds(90), worker -> flow.expected(ucsync, worker));
        } finally {
            for (int worker = 1; worker <= WORKERS; worker++) {
                String expected = flow.expected(ucsync, worker);
                String actual = UcsyncHarness.describe(primary.state(UcsyncHarness.dn(worker)));
                if (!expected.equals(actual)) {
                    drift.put(worker, "expected " + expected + ", is " + actual);
                }
            }
            Map<String, Integer> logins = loginsPerDn();
            long duplicateLogins = logins.values().stream()
                    .mapToLong(count -> Math.max(0, count - 1))
                    .sum();
            System.out.println("chaos soak (" + ucsync.describe() + "): " + WORKERS + " workers, " + flow.sent.get()
                    + " presence changes sent at " + RATE + "/s, faults injected " + faults + ", workers checked "
                    + WORKERS
                    + ", drift " + drift.size() + (drift.isEmpty() ? "" : " " + drift) + ", duplicate logins "
                    + duplicateLogins
                    + ", previews declined " + faults.getOrDefault(DECLINED, 0) + ", desktop changes "
                    + flow.desktopChanges.get()
                    + " (standing at the end: " + flow.standing(ucsync) + "), "
                    + Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s");
            drift.keySet().forEach(worker -> printHistory(ucsync, worker));
            drift.keySet()
                    .forEach(worker -> tservers.forEach(server ->
                            System.out.println("T-Server " + server.port() + " requests on " + UcsyncHarness.dn(worker)
                                    + ": " + server.stats().get(UcsyncHarness.dn(worker)))));
            assertThat(duplicateLogins)
                    .as("logins beyond the first, per DN: " + logins)
                    .isZero();
        }
        assertThat(drift).isEmpty();
        assertThat(faults)
                .hasSize(5 + ucsync.ownFaults().size())
                .allSatisfy((fault, count) -> assertThat(count).as(fault).isGreaterThanOrEqualTo(2));
        List<String> log = ucsync.log();
        for (int worker = 1; worker <= faults.get(DECLINED); worker++) {
            String fired = "timer preview-decline for " + worker(worker) + " fired";
            assertThat(log)
                    .as("the decline timer of worker %d, armed before a kill -9, fired once", worker)
                    .filteredOn(line -> line.contains(fired))
                    .hasSize(1);
        }
        List<List<JournalEntry>> journals = new ArrayList<>(journalsOfKilledServers);
        tservers.forEach(server -> journals.add(server.journal()));
        ucsync.assertOneOwnerAtATime(journals);
    }

    /** What ucsync logged about a worker that drifted, to tell why. */
    private static void printHistory(SoakTopology ucsync, int worker) {
        try {
            List<String> history = ucsync.log().stream()
                    .filter(line -> line.contains(worker(worker)) || line.contains(" " + UcsyncHarness.dn(worker)))
                    .toList();
            System.out.println("ucsync's log of drifted worker " + worker + " (last 60 lines):");
            history.subList(Math.max(0, history.size() - 60), history.size()).forEach(System.out::println);
        } catch (IOException e) {
            System.out.println("cannot read ucsync's log: " + e);
        }
    }

    private void startBackup(int port) {
        tservers.add(TServerEmulator.start(TServerEmulatorConfig.builder()
                .port(port)
                .role(ServerRole.Backup)
                .dns(IntStream.rangeClosed(1, WORKERS)
                        .mapToObj(UcsyncHarness::dn)
                        .toList())
                .mirrorOf(new InetSocketAddress("127.0.0.1", primary.port()))
                .build()));
    }

    /**
     * The primary crashes; the backup is promoted (its mirror knows every agent: no change is made while the mirror is
     * awaited and the primary killed); a new backup follows it.
     */
    private void switchOver(int backupPort, int nextBackupPort, PresenceFlow flow) {
        TServerEmulator backup = tservers.stream()
                .filter(server -> server.port() == backupPort)
                .findFirst()
                .orElseThrow();
        flow.pause.lock();
        try {
            awaitMirrored(backup);
            addLogins(primary, loginsOfKilledServers);
            journalsOfKilledServers.add(primary.journal());
            tservers.remove(primary);
            primary.kill();
        } finally {
            flow.pause.unlock();
        }
        backup.promote();
        primary = backup;
        if (nextBackupPort > 0) {
            startBackup(nextBackupPort);
        }
        count("T-Server primary killed, backup promoted");
    }

    /** The backup has every agent in the state the primary has. */
    private void awaitMirrored(TServerEmulator backup) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> IntStream.rangeClosed(1, WORKERS)
                        .mapToObj(UcsyncHarness::dn)
                        .allMatch(dn -> UcsyncHarness.describe(backup.state(dn))
                                .equals(UcsyncHarness.describe(primary.state(dn)))));
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
        return server.stats().values().stream()
                .mapToInt(perType ->
                        perType.getOrDefault("RequestAgentNotReady", 0) + perType.getOrDefault("RequestAgentReady", 0))
                .sum();
    }

    private void restartFrontEnd(SoakTopology ucsync, PresenceFlow flow) {
        flow.pause.lock();
        try {
            ucsync.restartFrontEnd(flow.last);
        } finally {
            flow.pause.unlock();
        }
        count("front end restarted");
    }

    private void reloadRoute(SoakTopology ucsync) {
        try {
            Files.writeString(
                    ucsync.routes().resolve("presence-in.camel.yaml"),
                    "# touched by the chaos soak\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        count("route file reloaded");
    }

    /**
     * A worker declines an offered preview, and a second later the ucsync process acting for them dies: the window's
     * timer must fire after the restart (in a cluster: on the node that then owns the worker, once).
     */
    private void declinePreviewThenKill(SoakTopology ucsync) {
        try {
            int worker = 1 + faults.getOrDefault(DECLINED, 0);
            KwClient kw = ucsync.kw();
            String cookie = kw.signIn(worker, UcsyncHarness.password(worker));
            kw.offerPreview(worker, TOKEN);
            assertThat(kw.api("POST", worker, "/preview/decline", cookie, true).statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "NotReady PreviewDeclined"
                            .equals(UcsyncHarness.describe(primary.state(UcsyncHarness.dn(worker)))));
            ucsync.killAndRestartOwnerOf(worker);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        count(DECLINED);
    }

    private void count(String fault) {
        faults.merge(fault, 1, Integer::sum);
    }

    private void awaitEveryAgent(Duration atMost, java.util.function.IntFunction<String> expected) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> IntStream.rangeClosed(1, WORKERS)
                        .allMatch(worker -> expected.apply(worker)
                                .equals(UcsyncHarness.describe(primary.state(UcsyncHarness.dn(worker))))));
    }

    private Map<String, Integer> loginsPerDn() {
        Map<String, Integer> logins = new TreeMap<>(loginsOfKilledServers);
        tservers.forEach(server -> addLogins(server, logins));
        return logins;
    }

    private static void addLogins(TServerEmulator server, Map<String, Integer> logins) {
        server.stats()
                .forEach((dn, perType) -> logins.merge(dn, perType.getOrDefault("RequestAgentLogin", 0), Integer::sum));
    }

    /**
     * Sets random presences on the front end at a steady rate until closed, and now and then, for a tenth of the
     * workers, has the agent desktop change the agent instead; remembers each worker's last presence and what the
     * desktop last set.
     */
    private static final class PresenceFlow implements AutoCloseable {
        final Map<Integer, Integer> last = new ConcurrentHashMap<>();
        /** The state the desktop last set on each of its workers' agents. */
        final Map<Integer, String> desktopSet = new ConcurrentHashMap<>();

        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger desktopChanges = new AtomicInteger();
        final ReentrantLock pause = new ReentrantLock();
        private final AtomicBoolean flowing = new AtomicBoolean(true);
        /** Changes the flow may send yet: the schedule lets it on one share at a time ({@link #allowUpTo}). */
        private final Semaphore allowance = new Semaphore(0);

        private int allowed;
        private final Thread thread;

        PresenceFlow(SoakTopology ucsync, AgentDesktop desktop) {
            Random random = new Random(SEED);
            long periodNanos = 1_000_000_000L / RATE;
            thread = new Thread(
                    () -> {
                        long next = System.nanoTime();
                        while (flowing.get() && sent.get() < CHANGES) {
                            if (!awaitAllowance()) {
                                // held back until the fault in progress is over: on again at the steady rate, not in a
                                // burst
                                next = System.nanoTime();
                                continue;
                            }
                            int worker = 1 + random.nextInt(WORKERS);
                            int availability = PRESENCES[random.nextInt(PRESENCES.length)];
                            boolean desktopTurn = isDesktopWorker(worker) && random.nextInt(DESKTOP_EVERY) == 0;
                            String desktopState = DESKTOP_CHOICES[random.nextInt(DESKTOP_CHOICES.length)];
                            pause.lock();
                            try {
                                if (desktopTurn) {
                                    changeOnDesktop(desktop, worker, desktopState);
                                } else {
                                    last.put(worker, availability);
                                    ucsync.frontEnd().presence(worker(worker), availability, null, PresenceSource.USER);
                                }
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
                    },
                    "soak-presence-flow");
            thread.start();
        }

        /**
         * Lets the flow send up to this many changes in all. The schedule lets it on to the next fault's share as it
         * injects one: each fault has changes during it, and a fault slower than its share of the changes (a node's JVM
         * start) holds the flow back rather than leaving the later faults to an idle ucsync.
         */
        void allowUpTo(int changes) {
            allowance.release(changes - allowed);
            allowed = changes;
        }

        /** Whether the flow may send one more change (false after a while without, to look at {@link #flowing} again). */
        private boolean awaitAllowance() {
            try {
                return allowance.tryAcquire(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                flowing.set(false);
                return false;
            }
        }

        private static boolean isDesktopWorker(int worker) {
            return worker % 10 == 5;
        }

        /** The desktop's change, when the T-Server takes it (not while the switch link is down, say). */
        private void changeOnDesktop(AgentDesktop desktop, int worker, String state) {
            try {
                String dn = UcsyncHarness.dn(worker);
                if (state.equals("Ready")) {
                    desktop.ready(dn);
                } else {
                    desktop.notReady(dn, DESKTOP_STATES.get(state), state.substring("NotReady ".length()));
                }
                desktopSet.put(worker, state);
                desktopChanges.incrementAndGet();
            } catch (Exception refused) {
                // refused (no switch link) or not answered (the T-Server was just killed): the agent did not change
            }
        }

        /**
         * What the worker's agent should be: what the last presence maps to; or, where ucsync says it leaves the agent as
         * another client set it, what the desktop set (ucsync holding a state nobody set would show as drift).
         */
        String expected(SoakTopology ucsync, int worker) {
            String mapped = io.ucsync.app.PresenceFlow.MAPPED.get(last.getOrDefault(worker, UcsyncHarness.ONLINE));
            if (!isDesktopWorker(worker) || !heldByDesktop(ucsync, worker)) {
                return mapped;
            }
            return desktopSet.getOrDefault(worker, "a state the desktop never set");
        }

        /** Desktop workers that ucsync leaves as the desktop set them. */
        long standing(SoakTopology ucsync) {
            return IntStream.rangeClosed(1, WORKERS)
                    .filter(PresenceFlow::isDesktopWorker)
                    .filter(w -> heldByDesktop(ucsync, w))
                    .count();
        }

        private static boolean heldByDesktop(SoakTopology ucsync, int worker) {
            try {
                HttpResponse<String> view = ucsync.kw().api("GET", worker, "");
                return view.statusCode() == 200 && view.body().contains("\"held\":true");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            flowing.set(false);
            thread.join();
        }
    }
}
