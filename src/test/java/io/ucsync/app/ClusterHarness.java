package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.dn;
import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.ResourceLeakDetector;
import io.ucsync.cluster.peers.ZooKeeperPeer;
import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.lab.tserver.DnState;
import io.ucsync.lab.tserver.JournalEntry;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.state.Partitioning;
import io.ucsync.state.peers.PostgresPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A ucsync cluster as an operator runs one: a real ZooKeeper and a real PostgreSQL (started for the test), the
 * T-Server and front-end emulators in the test's JVM, and N nodes, each ucsync as its own process
 * ({@code java ... io.ucsync.Ucsync}), reading the same roster, maps and routes, each with its own
 * application.properties (its ports and node id: node-1, node-2, ...). A test kills a node with kill -9, pauses it
 * (SIGSTOP) or starts it again.
 */
final class ClusterHarness implements AutoCloseable {

    /**
     * How the T-Server names a node's connection: the ApplicationName the node registers with (this prefix and its
     * number, as each node's configuration sets it), then "@" and the connection's address.
     */
    private static final String NODE_CLIENT = "ucsync-node-";

    private static final Pattern TOOK_OVER = Pattern.compile("took partition (\\d+) over");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path home;
    final int workers;
    final ZooKeeperPeer zookeeper;
    final PostgresPeer postgres;
    final TServerEmulator tserver;
    private volatile FrontEndEmulator frontEnd;
    private final List<PresenceFlow> flows = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ResourceLeakDetector.Level leakDetection;

    /** One node: its ports, its configuration, its process while it runs. */
    private static final class Node {
        final String id;
        final int httpPort;
        final Path config;
        final KwClient kw;
        Process process;
        String operatorCookie;

        Node(String id, int httpPort, Path config) {
            this.id = id;
            this.httpPort = httpPort;
            this.config = config;
            this.kw = new KwClient(httpPort);
        }
    }

    private ClusterHarness(Path home, int workers, int nodeCount, List<String> extraProperties) throws IOException {
        this.home = home;
        this.workers = workers;
        // the emulators here serve thousands of workers: Netty's paranoid leak detection (the test JVM's, for the codec
        // tests) records a stack trace per buffer access and stalls their loops for seconds
        this.leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        PostgresPeer startedPostgres = PostgresPeer.start();
        ZooKeeperPeer startedZooKeeper;
        try {
            startedZooKeeper = ZooKeeperPeer.start();
        } catch (RuntimeException e) {
            startedPostgres.close();
            throw e;
        }
        this.postgres = startedPostgres;
        this.zookeeper = startedZooKeeper;
        String jdbcUrl = postgres.createDatabase();
        List<String> dns =
                IntStream.rangeClosed(1, workers).mapToObj(UcsyncHarness::dn).toList();
        this.tserver = TServerEmulator.start(
                TServerEmulatorConfig.builder().controlPort(0).dns(dns).build());
        this.frontEnd = FrontEndEmulator.start(
                new FrontEndEmulatorConfig(FreePorts.pick(InetAddress.getLoopbackAddress()), "udp", 0, null));
        for (int i = 1; i <= workers; i++) {
            frontEnd.presence(worker(i), UcsyncHarness.ONLINE, null, PresenceSource.USER);
        }
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("routes"));
        Files.copy(Path.of(UcsyncHarness.MAP), home.resolve(UcsyncHarness.MAP), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                Files.copy(
                        route,
                        home.resolve("routes").resolve(route.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<String> roster = new ArrayList<>(List.of("sip_uri,dn,agent_id,tserver,queue,password"));
        for (int i = 1; i <= workers; i++) {
            roster.add(worker(i) + "," + dn(i) + ",agent" + (1000 + i) + ",main,," + UcsyncHarness.password(i));
        }
        Files.write(home.resolve("config/roster.csv"), roster, StandardCharsets.UTF_8);
        for (int n = 1; n <= nodeCount; n++) {
            int httpPort = FreePorts.pick(InetAddress.getLoopbackAddress());
            Node node = new Node("node-" + n, httpPort, home.resolve("config/node-" + n + ".properties"));
            List<String> lines = new ArrayList<>(List.of(
                    "ucsync.lab.enabled=false",
                    "ucsync.uc.server=127.0.0.1:" + frontEnd.port(),
                    "ucsync.uc.user=sip:ucsync-" + node.id + "@ucsync.test",
                    "ucsync.tservers=main",
                    "ucsync.tserver.main.endpoints=127.0.0.1:" + tserver.port(),
                    "ucsync.tserver.main.application-name=ucsync-" + node.id,
                    "ucsync.roster=" + home.resolve("config/roster.csv"),
                    "ucsync.presence-map=" + home.resolve(UcsyncHarness.MAP),
                    "ucsync.routes=" + home.resolve("routes"),
                    "ucsync.dashboard.password=" + UcsyncHarness.OPERATOR_PASSWORD,
                    "ucsync.state.jdbc-url=" + jdbcUrl,
                    "ucsync.state.user=" + postgres.user(),
                    "ucsync.cluster.enabled=true",
                    "ucsync.cluster.zookeeper=" + zookeeper.connectString(),
                    "ucsync.cluster.node-id=" + node.id,
                    "ucsync.cluster.session-timeout=6s",
                    "camel.main.name=" + node.id,
                    "camel.server.enabled=true",
                    "camel.server.host=127.0.0.1",
                    "camel.server.port=" + httpPort,
                    "camel.management.enabled=true",
                    "camel.management.port=" + FreePorts.pick(InetAddress.getLoopbackAddress()),
                    "camel.management.healthCheckEnabled=true",
                    "camel.health.exposureLevel=full"));
            lines.addAll(extraProperties);
            Files.write(node.config, lines, StandardCharsets.UTF_8);
            nodes.add(node);
        }
    }

    /** A cluster of {@code nodes} nodes (none started yet) for {@code workers} workers, all Online. */
    static ClusterHarness of(Path home, int workers, int nodes, String... extraProperties) throws IOException {
        return new ClusterHarness(home, workers, nodes, List.of(extraProperties));
    }

    /** Appends these lines to every node's configuration (before the nodes start: a later line overrides an earlier one). */
    void addProperties(String... lines) throws IOException {
        for (Node node : nodes) {
            Files.write(node.config, List.of(lines), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
    }

    /** Starts these nodes (numbered from 1) together, and returns once each serves its API. */
    ClusterHarness start(int... numbers) throws IOException {
        for (int number : numbers) {
            Node node = node(number);
            // under timeout: a node stops by itself even if the test JVM dies without killing it
            node.process = new ProcessBuilder(
                            "timeout",
                            "--signal=KILL",
                            "1800",
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-Ducsync.config=" + node.config,
                            "-cp",
                            System.getProperty("java.class.path"),
                            "io.ucsync.Ucsync")
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(logFile(number).toFile()))
                    .start();
        }
        for (int number : numbers) {
            Node node = node(number);
            HttpRequest session = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + node.httpPort + "/api/session"))
                    .build();
            await(node.id + " serving its API")
                    .atMost(Duration.ofSeconds(120))
                    .ignoreExceptions()
                    .failFast(node.id + " exited", () -> !node.process.isAlive())
                    .until(() -> http.send(session, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 401);
        }
        return this;
    }

    private Node node(int number) {
        return nodes.get(number - 1);
    }

    String id(int number) {
        return node(number).id;
    }

    /** How many nodes the cluster has (started or not). */
    int nodes() {
        return nodes.size();
    }

    int httpPort(int number) {
        return node(number).httpPort;
    }

    /** The node's KW API (a session made on one node is valid on the others). */
    KwClient kw(int number) {
        return node(number).kw;
    }

    /** Whether the node was started and not killed since. */
    boolean running(int number) {
        return node(number).process != null;
    }

    /** The numbers of the nodes that run. */
    int[] running() {
        return IntStream.rangeClosed(1, nodes.size()).filter(this::running).toArray();
    }

    /** The running node that acts for the worker's partition, or -1 when none does (while it moves, say). */
    int ownerOf(int worker) throws IOException, InterruptedException {
        int[] running = running();
        int partition = new Partitioning(cluster(running[0]).get("partitions").size()).of(worker(worker));
        for (int number : running) {
            if (acting(number).contains(partition)) {
                return number;
            }
        }
        return -1;
    }

    /**
     * Waits until the partitions are spread over these nodes: each acts for some, and every partition is acted for by
     * exactly one of them.
     */
    void awaitPartitionsOn(Duration atMost, int... numbers) {
        await("every partition on one of nodes " + Arrays.toString(numbers))
                .atMost(atMost)
                .ignoreExceptions()
                .until(() -> {
                    int partitions = cluster(numbers[0]).get("partitions").size();
                    List<Integer> acted = new ArrayList<>();
                    for (int number : numbers) {
                        Set<Integer> acting = acting(number);
                        if (acting.isEmpty()) {
                            return false;
                        }
                        acted.addAll(acting);
                    }
                    return acted.size() == partitions && new TreeSet<>(acted).size() == partitions;
                });
    }

    /** kill -9 of the node. */
    void kill(int number) throws InterruptedException {
        Node node = node(number);
        java(node).destroyForcibly();
        node.process.destroyForcibly().waitFor();
        node.process = null;
        node.operatorCookie = null;
    }

    /** The node's JVM, below its timeout. */
    private static ProcessHandle java(Node node) {
        return node.process
                .descendants()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(node.id + " has no JVM"));
    }

    /** SIGSTOP: the node's process stops where it is, as a long pause (a stuck VM, a GC) would stop it. */
    void pause(int number) throws IOException, InterruptedException {
        signal(number, "STOP");
    }

    /** SIGCONT: the paused node runs on from where it stopped. */
    void resume(int number) throws IOException, InterruptedException {
        signal(number, "CONT");
    }

    private void signal(int number, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder(
                        "kill", "-" + signal, String.valueOf(java(node(number)).pid()))
                .inheritIO()
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " failed");
        }
    }

    /** The cluster as the node's operator API shows it: {node, members, acting, partitions: [{partition, owner, epoch}]}. */
    JsonNode cluster(int number) throws IOException, InterruptedException {
        return operatorGet(number, "/api/cluster");
    }

    /** What the node's operator API answers, signed in as the operator. */
    JsonNode operatorGet(int number, String path) throws IOException, InterruptedException {
        Node node = node(number);
        if (node.operatorCookie == null) {
            HttpResponse<String> signedIn = node.kw.signInOperatorResponse(UcsyncHarness.OPERATOR_PASSWORD);
            if (signedIn.statusCode() != 200) {
                throw new IllegalStateException(
                        "operator sign-in on " + node.id + ": " + signedIn.statusCode() + " " + signedIn.body());
            }
            node.operatorCookie =
                    signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        }
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(base(node) + path))
                        .header("Cookie", node.operatorCookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " on " + node.id + ": " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** The partitions the node says it acts for. */
    Set<Integer> acting(int number) throws IOException, InterruptedException {
        Set<Integer> acting = new TreeSet<>();
        cluster(number).get("acting").forEach(partition -> acting.add(partition.asInt()));
        return acting;
    }

    private static String base(Node node) {
        return "http://127.0.0.1:" + node.httpPort;
    }

    /**
     * Starts a flow of random presences of the workers on the front end; stopped by {@link #close()} at the latest, so
     * that a test failing in the middle of one leaves no flow running into the tests after it.
     */
    PresenceFlow presenceFlow() {
        PresenceFlow flow = new PresenceFlow(this::frontEnd, workers);
        flows.add(flow);
        return flow;
    }

    FrontEndEmulator frontEnd() {
        return frontEnd;
    }

    /** The front end restarted on its port: every subscription lost, the users' presences (Online where none given) set again. */
    void restartFrontEnd(Map<Integer, Integer> presences) {
        frontEnd = UcsyncHarness.restarted(frontEnd, workers, presences);
    }

    /** The worker's agent on the T-Server, as {@link UcsyncHarness#describe} says it. */
    String agent(int worker) {
        return UcsyncHarness.describe(tserver.state(dn(worker)));
    }

    /** Waits until every worker's agent is what {@code expected} says for them; on a timeout, says who is not. */
    void awaitEveryAgent(Duration atMost, IntFunction<String> expected) {
        try {
            // the emulator answers a read of its states on its own loop, which a start of thousands of DNs keeps busy
            // for longer than such a read waits: a read that times out is read again
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IllegalStateException.class)
                    .until(() -> drift(expected).isEmpty());
        } catch (ConditionTimeoutException e) {
            List<String> drift = drift(expected);
            throw new AssertionError(
                    drift.size() + " agents not as expected after " + atMost + ", e.g. "
                            + drift.subList(0, Math.min(10, drift.size())),
                    e);
        }
    }

    /** The workers whose agent is not what {@code expected} says, each with both (read from the T-Server at once). */
    private List<String> drift(IntFunction<String> expected) {
        Map<String, String> agents =
                tserver.states().stream().collect(Collectors.toMap(DnState::dn, UcsyncHarness::describe));
        return IntStream.rangeClosed(1, workers)
                .filter(worker -> !expected.apply(worker).equals(agents.get(dn(worker))))
                .mapToObj(worker ->
                        worker(worker) + ": expected " + expected.apply(worker) + ", is " + agents.get(dn(worker)))
                .toList();
    }

    /** The presences all keep the agents logged in: a second RequestAgentLogin on a DN would be a duplicate. */
    void assertNoDuplicateLogins() {
        Map<String, Long> logins = tserver.journal().stream()
                .filter(entry -> entry.request().equals("RequestAgentLogin"))
                .collect(Collectors.groupingBy(JournalEntry::dn, TreeMap::new, Collectors.counting()));
        assertThat(logins)
                .as("RequestAgentLogin per DN")
                .hasSize(workers)
                .allSatisfy((dn, count) -> assertThat(count).isEqualTo(1));
    }

    /** Never two owners of one of the partitions, as the T-Server's journal tells: {@link #assertOneOwnerAtATime(int, List)}. */
    void assertOneOwnerAtATime(int partitions) throws IOException {
        assertOneOwnerAtATime(partitions, List.of(tserver.journal()));
    }

    /**
     * Never two owners of one partition: in the journal of each T-Server the nodes used (the ones killed as well), the
     * agent requests on a partition's DNs come from one node at a time, so that they change hands no more often than
     * the nodes' logs say the partition was taken over (two owners at once would interleave their requests). A node's
     * link reconnecting is the same node; requests of other T-Server clients (an agent desktop) do not count.
     */
    void assertOneOwnerAtATime(int partitions, List<List<JournalEntry>> journals) throws IOException {
        Partitioning partitioning = new Partitioning(partitions);
        Map<Integer, Integer> handsChanged = new TreeMap<>();
        int nodeRequests = 0;
        for (List<JournalEntry> journal : journals) {
            Map<Integer, String> lastNode = new HashMap<>();
            for (JournalEntry entry : journal) {
                if (entry.request().startsWith("RequestAgent") && entry.client().startsWith(NODE_CLIENT)) {
                    nodeRequests++;
                    int partition = partitioning.of(worker(Integer.parseInt(entry.dn()) - 50000));
                    String node = entry.client().substring(0, entry.client().indexOf('@'));
                    String before = lastNode.put(partition, node);
                    if (before != null && !before.equals(node)) {
                        handsChanged.merge(partition, 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(nodeRequests)
                .as("agent requests the journals show from the nodes (client name %s)", NODE_CLIENT)
                .isPositive();
        Map<Integer, Integer> takeOvers = new TreeMap<>();
        for (int node = 1; node <= nodes.size(); node++) {
            for (String line : log(node)) {
                Matcher took = TOOK_OVER.matcher(line);
                if (took.find()) {
                    takeOvers.merge(Integer.parseInt(took.group(1)), 1, Integer::sum);
                }
            }
        }
        for (int partition = 0; partition < partitions; partition++) {
            assertThat(handsChanged.getOrDefault(partition, 0))
                    .as(
                            "partition %d: its requests changed hands more often than it was"
                                    + " taken over (%d times)",
                            partition, takeOvers.getOrDefault(partition, 0))
                    .isLessThanOrEqualTo(Math.max(0, takeOvers.getOrDefault(partition, 0) - 1));
        }
    }

    Path logFile(int number) {
        return home.resolve(node(number).id + ".log");
    }

    /** What the node's processes printed so far. */
    List<String> log(int number) throws IOException {
        Path log = logFile(number);
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    @Override
    public void close() throws InterruptedException {
        for (PresenceFlow flow : flows) {
            flow.close();
        }
        for (Node node : nodes) {
            if (node.process != null) {
                node.process.descendants().forEach(ProcessHandle::destroyForcibly);
                node.process.destroyForcibly().waitFor();
            }
        }
        frontEnd.close();
        tserver.close();
        zookeeper.close();
        postgres.close();
        keepLogs();
        ResourceLeakDetector.setLevel(leakDetection);
    }

    /** The nodes' logs outlive the test's directory, in target/cluster-logs/, for whoever reads a failed run. */
    private void keepLogs() {
        try {
            Path kept = Files.createDirectories(
                    Path.of("target", "cluster-logs", home.getFileName().toString()));
            for (int number = 1; number <= nodes.size(); number++) {
                if (Files.exists(logFile(number))) {
                    Files.copy(
                            logFile(number),
                            kept.resolve(logFile(number).getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.err.println("node logs not kept: " + e);
        }
    }
}
