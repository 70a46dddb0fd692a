package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.awaitility.Awaitility.await;

import io.netty.util.ResourceLeakDetector;
import io.ucsync.bench.AgentChangeObserver;
import io.ucsync.bench.Bench;
import io.ucsync.lab.tserver.DnState;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.state.peers.PostgresPeer;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with 100,000 workers, ucsync in a JVM of its own ({@code java ... io.ucsync.Ucsync}, as a site runs it)
 * and the emulators (the UC front end, the T-Server primary and its mirroring backup) and an observing T-Server client
 * in this JVM, all on the machine's two cores. In turn:
 * <ul>
 * <li>{@code start.100k}: from the process launch until every agent is logged in as the worker's presence says
 * (Ready for Online), which needs every worker subscribed, registered and logged in;
 * <li>{@code heap.per-worker}: ucsync's live heap after a full GC (jcmd GC.class_histogram) over the workers, the fixed
 * base included;
 * <li>{@code e2e.p50/p99.at250, at1000, at5000}: a presence set on the front end travels as a BENOTIFY to ucsync,
 * through its routes and engine, and out as RequestAgentNotReady to the T-Server; the observer, registered on every
 * DN, timestamps the EventAgentNotReady it causes (open loop, 20 s at 250/s and 1,000/s, 10 s at 5,000/s);
 * {@code e2e.sustained}: the changes per second mapped when 5,000/s are offered;
 * <li>{@code resubscribe.100k}: from the front end dropping every subscription (as a restart does) until it watches
 * every worker again and ucsync counts every subscription active;
 * <li>{@code resync.100k}: from the primary T-Server killed and its backup promoted until ucsync's link is up on the
 * backup, having queried every DN there, and every agent is as the worker's presence says.
 * </ul>
 * A measurement, not a test: {@code mvn -o test -Dtest=EndToEndBenchmark -Dsurefire.excludedGroups=none}
 * ({@code -Dbench.workers=30000} for fewer workers, the names then say 30k; {@code -Dbench.transport=udp} to reach
 * the front end over udp instead of tcp; {@code -Dbench.jfr=DIR} records each
 * phase with JFR's profile settings in DIR/PHASE.jfr; {@code -Dbench.store=postgresql} keeps the state in a PostgreSQL
 * 15 of its own instead of the shipped H2 file (every name then ends in {@code .postgresql}); {@code -Dbench.ucsync-jvm="-Xmx2g ..."} options for ucsync's JVM;
 * {@code -Dbench.ucsync-properties="ucsync.worker-lanes=64 ..."} lines added to its application.properties).
 */
@Tag("benchmark")
@ExtendWith(Bench.class)
class EndToEndBenchmark {

    private static final int WORKERS = Integer.getInteger("bench.workers", 100_000);
    private static final String SCALE = WORKERS % 1000 == 0 ? WORKERS / 1000 + "k" : String.valueOf(WORKERS);
    private static final String JFR_DIR = System.getProperty("bench.jfr");
    /**
     * The shipped file's settings that bear on the figures (the harness writes its own application.properties): the
     * benchmark measures ucsync as shipped.
     */
    private static final List<String> SHIPPED_TUNING =
            List.of("ucsync.uc.notification-threads", "camel.metrics.enableExchangeEventNotifier");
    /** h2 (the shipped file) or postgresql. */
    private static final String STORE = System.getProperty("bench.store", "h2");
    /**
     * How ucsync reaches the front end: tcp, as Lync and Skype for Business pools are reached (TLS over TCP), which
     * also lets a batch subscription hold 1,000 workers (16 over udp). A BENOTIFY is never sent again: over udp at
     * thousands a second the kernel drops some when the cores are busy, and those changes are lost.
     */
    private static final String TRANSPORT = System.getProperty("bench.transport", "tcp");

    private static final Duration LIMIT = Duration.ofMinutes(Long.getLong("bench.minutes", 15));
    /** Presences the benchmark sets and the agent state the shipped map makes of each. */
    private static final Map<Integer, String> MAPPED =
            Map.of(UcsyncHarness.ONLINE, "Ready", 6500, "NotReady Busy", 15500, "NotReady Away");

    private static final String LINK_UP = "ucsync_tserver_link_up";
    private static final String SUBSCRIPTIONS_ACTIVE = "ucsync_uc_subscriptions_active";
    private static final String READY_AGENTS = "ucsync_agents{state=\"Ready\"}";

    @TempDir
    Path home;

    /** The availability each worker was last given (index: worker number). */
    private final int[] presences = new int[WORKERS + 1];

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startLatencyResubscribeAndResync() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        Arrays.fill(presences, UcsyncHarness.ONLINE);
        List<String> properties = new ArrayList<>(shippedTuning());
        properties.add("ucsync.uc.transport=" + TRANSPORT);
        try (PostgresPeer postgres = STORE.equals("postgresql") ? PostgresPeer.start() : null) {
            if (postgres != null) {
                properties.add("ucsync.state.jdbc-url=" + postgres.createDatabase());
                properties.add("ucsync.state.user=" + postgres.user());
            } else if (!STORE.equals("h2")) {
                throw new IllegalArgumentException("bench.store: h2 or postgresql, not " + STORE);
            }
            String given = System.getProperty("bench.ucsync-properties", "").strip();
            if (!given.isEmpty()) {
                properties.addAll(List.of(given.split("\\s+")));
            }
            run(properties);
        }
    }

    private void run(List<String> properties) throws Exception {
        int backupPort = FreePorts.pick(InetAddress.getLoopbackAddress());
        try (UcsyncHarness ucsync = UcsyncHarness.in(home, WORKERS, properties.toArray(String[]::new));
                TServerEmulator backup = TServerEmulator.start(TServerEmulatorConfig.builder()
                        .port(backupPort)
                        .role(ServerRole.Backup)
                        .dns(ucsync.dnsOf("main"))
                        .mirrorOf(new InetSocketAddress(
                                "127.0.0.1", ucsync.tserver().port()))
                        .build())) {
            TServerEmulator primary = ucsync.tserver();
            Files.writeString(
                    ucsync.config(),
                    "ucsync.tserver.main.endpoints=127.0.0.1:" + primary.port() + ",127.0.0.1:" + backupPort + "\n",
                    StandardOpenOption.APPEND);

            try {
                phases(ucsync, primary, backup);
            } catch (Exception | AssertionError e) {
                List<String> log = ucsync.log();
                System.out.println("ucsync's log, last 40 lines:");
                log.subList(Math.max(0, log.size() - 40), log.size()).forEach(System.out::println);
                throw e;
            } finally {
                // what the stacks dropped also when a phase did not finish (a dropped BENOTIFY is a change lost)
                try {
                    Bench.sipStackDropped(
                            "e2e",
                            sipStackDroppedPerMetrics(ucsync)
                                    + ucsync.frontEnd().stats().stack().dropped());
                } catch (IllegalStateException e) {
                    System.out.println("SIP stack drops not known: "
                            + e.getMessage()); // ucsync gone: the phase's own error counts
                }
            }
        }
    }

    /** The phases in turn, each printing its figures. */
    private void phases(UcsyncHarness ucsync, TServerEmulator primary, TServerEmulator backup) throws Exception {
        long started = System.nanoTime();
        ucsync.startProcess(ucsyncJvmOptions(), LIMIT);
        // done when the T-Server has every agent as it should be and ucsync has taken in every report of it (its own
        // count of Ready agents), so that the phases after it do not wait behind the start's backlog
        measure(
                ucsync,
                primary,
                "start",
                started,
                () -> agentsNotAsPresenceSays(primary).isEmpty() && metric(ucsync, READY_AGENTS) == WORKERS,
                () -> false);
        System.out.printf(
                "SIP stack after the start: ucsync's metrics say %,d dropped; the front-end emulator's stack %s%n",
                sipStackDroppedPerMetrics(ucsync), ucsync.frontEnd().stats().stack());
        long heap = liveHeap(ucsync);
        System.out.printf("ucsync's live heap with %,d idle workers: %,d bytes%n", WORKERS, heap);
        report("heap.per-worker", heap / WORKERS, "bytes");

        changesThroughTheEngine(ucsync, primary);

        await().atMost(LIMIT).until(() -> mirrored(primary, backup));
        startRecording(ucsync, "resync");
        long switchedOver = System.nanoTime();
        primary.kill();
        backup.promote();
        measure(
                ucsync,
                backup,
                "resync",
                switchedOver,
                () -> agentsNotAsPresenceSays(backup).isEmpty()
                        && everyDnQueried(backup)
                        && metric(ucsync, LINK_UP) == 1,
                () -> false);

        // a subscription whose termination was dropped stays dead until its refresh (an hour): then it is not done
        long droppedBefore = sipStackDroppedPerMetrics(ucsync);
        startRecording(ucsync, "resubscribe");
        ucsync.frontEnd().dropSubscriptions();
        measure(
                ucsync,
                backup,
                "resubscribe",
                System.nanoTime(),
                () -> ucsync.frontEnd().stats().watched() >= WORKERS && metric(ucsync, SUBSCRIPTIONS_ACTIVE) == WORKERS,
                () -> sipStackDroppedPerMetrics(ucsync) > droppedBefore);
    }

    private static List<String> shippedTuning() throws IOException {
        Properties shipped = new Properties();
        try (Reader file = Files.newBufferedReader(Path.of("config/application.properties"))) {
            shipped.load(file);
        }
        return SHIPPED_TUNING.stream()
                .map(key ->
                        key + "=" + Objects.requireNonNull(shipped.getProperty(key), key + ": not in the shipped file"))
                .toList();
    }

    /** Reports a figure, its name ending in the store's unless it is the shipped H2 file. */
    private static void report(String name, double value, String unit) {
        Bench.report(STORE.equals("h2") ? name : name + "." + STORE, value, unit);
    }

    /** With -Dbench.jfr, starts a flight recording of the phase in DIR/PHASE.jfr (the start's begins with the JVM). */
    private static void startRecording(UcsyncHarness ucsync, String phase) throws IOException, InterruptedException {
        if (JFR_DIR != null) {
            jcmd(
                    ucsync,
                    "JFR.start",
                    "name=" + phase,
                    "settings=profile",
                    "filename=" + Path.of(JFR_DIR, phase + ".jfr"));
        }
    }

    /** ucsync's JVM options: those of -Dbench.ucsync-jvm, and with -Dbench.jfr a flight recording of the start. */
    private static List<String> ucsyncJvmOptions() {
        List<String> options = new ArrayList<>();
        String given = System.getProperty("bench.ucsync-jvm", "").strip();
        if (!given.isEmpty()) {
            options.addAll(List.of(given.split("\\s+")));
        }
        if (JFR_DIR != null) {
            options.add(
                    "-XX:StartFlightRecording=name=start,settings=profile,filename=" + Path.of(JFR_DIR, "start.jfr"));
        }
        return options;
    }

    /**
     * Waits until the phase is done and prints its figure, PHASE.100k in seconds, from {@code fromNanos}; says how far
     * it is every 10 s, with the agents on the T-Server not (yet) as their workers' presences say. With -Dbench.jfr
     * the phase's recording ends with it. It ends without a figure as soon as {@code hopeless}.
     */
    private void measure(
            UcsyncHarness ucsync,
            TServerEmulator tserver,
            String phase,
            long fromNanos,
            BooleanSupplier done,
            BooleanSupplier hopeless)
            throws Exception {
        AtomicLong nextProgress = new AtomicLong(10);
        // a read that fails (the T-Server emulator's loop busy past its API timeout) is tried again at the next poll
        await(phase)
                .atMost(LIMIT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .failFast(
                        "ucsync's SIP stack dropped a message: a subscription it ended stays dead until its refresh",
                        hopeless::getAsBoolean)
                .until(() -> {
                    double seconds = (System.nanoTime() - fromNanos) / 1e9;
                    if (seconds >= nextProgress.get()) {
                        nextProgress.addAndGet(10);
                        List<String> off = agentsNotAsPresenceSays(tserver);
                        System.out.printf(
                                "%s: %.0f s: front end watches %,d workers; ucsync: link up %d, %,d subscriptions active,"
                                        + " %,d agents Ready; %,d agents not as presence says%s%n",
                                phase,
                                seconds,
                                ucsync.frontEnd().stats().watched(),
                                metric(ucsync, LINK_UP),
                                metric(ucsync, SUBSCRIPTIONS_ACTIVE),
                                metric(ucsync, READY_AGENTS),
                                off.size(),
                                off.isEmpty() ? "" : ", e.g. " + off.subList(0, Math.min(3, off.size())));
                    }
                    return done.getAsBoolean();
                });
        double seconds = (System.nanoTime() - fromNanos) / 1e9;
        if (JFR_DIR != null) {
            jcmd(ucsync, "JFR.stop", "name=" + phase);
        }
        System.out.printf("%s: %,d workers in %.1f s (load average %s)%n", phase, WORKERS, seconds, loadAverage());
        report(phase + "." + SCALE, seconds, "s");
    }

    /**
     * Latency at 250, 1,000 and 5,000 changes/s, and the changes per second mapped at 5,000/s, seen by an observer
     * registered on every DN.
     */
    private void changesThroughTheEngine(UcsyncHarness ucsync, TServerEmulator primary) throws Exception {
        List<String> dns =
                IntStream.rangeClosed(1, WORKERS).mapToObj(UcsyncHarness::dn).toList();
        try (AgentChangeObserver observer = new AgentChangeObserver(primary.port(), dns)) {
            int[] round = {0};
            runAt(ucsync, observer, round, 250, Duration.ofSeconds(5)); // warm-up
            await().atMost(Duration.ofSeconds(60)).until(observer::sawAll);
            for (int rate : new int[] {250, 1_000, 5_000}) {
                observer.takeLatencies();
                long before = observer.seen();
                startRecording(ucsync, "at" + rate);
                long from = System.nanoTime();
                int offered = runAt(ucsync, observer, round, rate, Duration.ofSeconds(rate >= 5_000 ? 10 : 20));
                // every change seen, and every agent as the worker's last presence says (nothing lost on the way)
                await().atMost(Duration.ofMinutes(3)).until(observer::sawAll);
                await().atMost(Duration.ofMinutes(3)).until(() -> agentsNotAsPresenceSays(primary), List::isEmpty);
                double seconds = (System.nanoTime() - from) / 1e9;
                if (JFR_DIR != null) {
                    jcmd(ucsync, "JFR.stop", "name=at" + rate);
                }
                List<Long> sorted = observer.takeLatencies();
                double perSecond = (observer.seen() - before) / seconds;
                System.out.printf(
                        "latency at %,d changes/s over %,d changes: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %,d offered,"
                                + " mapped in %.1f s = %,.0f changes/s (load average %s)%n",
                        rate,
                        sorted.size(),
                        AgentChangeObserver.percentileMillis(sorted, 50),
                        AgentChangeObserver.percentileMillis(sorted, 99),
                        sorted.get(sorted.size() - 1) / 1e6,
                        offered,
                        seconds,
                        perSecond,
                        loadAverage());
                report("e2e.p50.at" + rate, AgentChangeObserver.percentileMillis(sorted, 50), "ms");
                report("e2e.p99.at" + rate, AgentChangeObserver.percentileMillis(sorted, 99), "ms");
                if (rate == 5_000) {
                    report("e2e.sustained", Math.round(perSecond), "changes/s");
                }
            }
        }
    }

    /** Sets presences open-loop at {@code rate} per second for the duration: Busy and Away in turn for each worker. */
    private int runAt(UcsyncHarness ucsync, AgentChangeObserver observer, int[] round, int rate, Duration duration)
            throws InterruptedException {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        int sent = 0;
        for (long next = start; next < end; next += intervalNanos) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing an open-loop load, not waiting for a condition
            }
            int worker = 1 + (round[0] % WORKERS);
            boolean busy = (round[0] / WORKERS) % 2 == 0;
            round[0]++;
            presences[worker] = busy ? 6500 : 15500;
            observer.expect(UcsyncHarness.dn(worker), busy ? "Busy" : "Away");
            ucsync.frontEnd().presence(worker(worker), presences[worker], null, PresenceSource.USER);
            sent++;
        }
        return sent;
    }

    /** The agents on this T-Server not in the state their worker's last presence maps to: "DN is X, not Y". */
    private List<String> agentsNotAsPresenceSays(TServerEmulator tserver) {
        List<DnState> states = tserver.states();
        List<String> off = new ArrayList<>();
        for (DnState state : states) {
            String expected = MAPPED.get(presences[UcsyncHarness.workerOf(state.dn())]);
            if (!expected.equals(UcsyncHarness.describe(state))) {
                off.add(state.dn() + " is " + UcsyncHarness.describe(state) + ", not " + expected);
            }
        }
        return off;
    }

    /** The backup has every agent in the state the primary has (it follows the primary's events). */
    private static boolean mirrored(TServerEmulator primary, TServerEmulator backup) {
        List<DnState> onPrimary = primary.states();
        List<DnState> onBackup = backup.states();
        return IntStream.range(0, onPrimary.size())
                .allMatch(
                        i -> UcsyncHarness.describe(onPrimary.get(i)).equals(UcsyncHarness.describe(onBackup.get(i))));
    }

    /** Whether ucsync's link has queried every DN on this T-Server (its resync there). */
    private static boolean everyDnQueried(TServerEmulator tserver) {
        Map<String, Map<String, Integer>> stats = tserver.stats();
        return IntStream.rangeClosed(1, WORKERS)
                .allMatch(i -> stats.getOrDefault(UcsyncHarness.dn(i), Map.of())
                                .getOrDefault(MessageType.RequestQueryAddress.name(), 0)
                        > 0);
    }

    /** What ucsync's SIP stacks dropped, as its Prometheus metrics say: removed as stuck plus dropped by the kernel. */
    private long sipStackDroppedPerMetrics(UcsyncHarness ucsync) {
        long removedAsStuck = metric(ucsync, "ucsync_sip_stack_removed_stuck_total");
        long udpReceiveDrops = metric(ucsync, "ucsync_sip_udp_receive_drops_total");
        if (removedAsStuck < 0 || udpReceiveDrops < 0) {
            throw new IllegalStateException("ucsync exports no ucsync_sip_*_total metrics");
        }
        return removedAsStuck + udpReceiveDrops;
    }

    /**
     * One of ucsync's Prometheus metrics, summed over its labels (or with the labels given, {@code name{label="v"}});
     * -1 while ucsync does not export it (its engine's metrics come once its routes have started).
     */
    private long metric(UcsyncHarness ucsync, String name) {
        String metrics;
        try {
            metrics = http.send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + ucsync.managementPort + "/observe/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new IllegalStateException("ucsync's metrics do not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Matcher values = Pattern.compile(
                        "(?m)^" + Pattern.quote(name) + (name.endsWith("}") ? "" : "(?:\\{[^}]*})?") + " (\\S+)$")
                .matcher(metrics);
        double sum = 0;
        boolean found = false;
        while (values.find()) {
            sum += Double.parseDouble(values.group(1));
            found = true;
        }
        return found ? Math.round(sum) : -1;
    }

    /** ucsync's live heap: the total of a class histogram, which jcmd takes after a full GC. */
    private static long liveHeap(UcsyncHarness ucsync) throws IOException, InterruptedException {
        String histogram = jcmd(ucsync, "GC.class_histogram");
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(histogram);
        if (!total.find()) {
            throw new IllegalStateException("no total in jcmd GC.class_histogram:\n" + histogram);
        }
        return Long.parseLong(total.group(1));
    }

    /** jcmd on ucsync's process; what it printed, refused when it fails. */
    private static String jcmd(UcsyncHarness ucsync, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(ucsync.processId())));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed:\n" + output);
        }
        return output;
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
    }
}
