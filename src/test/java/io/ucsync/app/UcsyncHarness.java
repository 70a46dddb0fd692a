package io.ucsync.app;

import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.lab.tserver.DnState;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.tls.TlsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * ucsync as a user runs it, in a directory of its own: the project's routes/, presence map and example team maps
 * (config/maps/), a roster of a few workers, the state in an H2 file there (or in a PostgreSQL database: {@link #onPostgres}),
 * the KW API on a free port. The emulators belong to the harness, not to
 * ucsync, so they outlive a restart of the connector (in this JVM, or in a child JVM that a test kills with
 * kill -9). Extra properties are appended to application.properties.
 */
final class UcsyncHarness implements AutoCloseable {

    static final String MAP = "config/presence-map.txt";
    static final String EXAMPLE_MAPS = "config/maps";
    static final int ONLINE = 3500;
    static final String OPERATOR_PASSWORD = "operator-pw";
    /** The routing system's token for offering previews, unless a test sets another. */
    static final String PREVIEW_TOKEN = "harness-preview-token";

    private static final String STATE_JDBC_URL = "ucsync.state.jdbc-url=";
    private static final String UC_TRANSPORT = "ucsync.uc.transport=";

    final Path home;
    final int workers;
    final int httpPort;
    final int managementPort;
    private final List<String> extraProperties;
    private final TlsSettings tserverTls;
    /** Each worker's T-Server (its name in ucsync.tservers and the roster), and the T-Servers by name, the first main. */
    private final Map<Integer, String> tserverOf = new ConcurrentHashMap<>();

    private final Map<String, TServerEmulator> tservers = new ConcurrentHashMap<>();
    private final List<String> tserverNames;
    private volatile FrontEndEmulator frontEnd;
    private final List<PresenceFlow> flows = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final KwClient kw;
    private Connector connector;
    private Process child;

    private UcsyncHarness(
            Path home,
            Map<String, List<Integer>> workersByTServer,
            TlsSettings tserverTls,
            List<String> teamMaps,
            Map<Integer, String> poolOf,
            List<String> extraProperties)
            throws IOException {
        this.home = home;
        this.workers = workersByTServer.values().stream().mapToInt(List::size).sum();
        this.extraProperties = extraProperties;
        this.tserverNames = List.copyOf(workersByTServer.keySet());
        workersByTServer.forEach((name, ids) -> ids.forEach(id -> tserverOf.put(id, name)));
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket management = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            httpPort = socket.getLocalPort();
            managementPort = management.getLocalPort();
        }
        kw = new KwClient(httpPort);
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("routes"));
        Files.copy(Path.of(MAP), home.resolve(MAP), StandardCopyOption.REPLACE_EXISTING);
        copyAll(Path.of(EXAMPLE_MAPS), Files.createDirectories(home.resolve(EXAMPLE_MAPS)));
        copyAll(Path.of("routes"), home.resolve("routes"));
        List<String> roster = new ArrayList<>(List.of("sip_uri,dn,agent_id,tserver,queue,password"
                + (teamMaps.isEmpty() ? "" : ",map") + (poolOf.isEmpty() ? "" : ",pool")));
        for (int i = 1; i <= workers; i++) {
            String map = teamMaps.isEmpty() ? null : teamMaps.get(i - 1);
            roster.add(worker(i) + "," + dn(i) + ",agent" + (1000 + i) + "," + tserverOf.get(i) + ",," + password(i)
                    + (map == null ? "" : "," + map) + (poolOf.isEmpty() ? "" : "," + poolOf.getOrDefault(i, "")));
            Path mapFile =
                    map == null || map.isEmpty() ? null : home.resolve("config").resolve(map);
            if (mapFile != null && !Files.exists(mapFile)) {
                Files.createDirectories(mapFile.getParent());
                Files.copy(Path.of(MAP), mapFile);
            }
        }
        Files.write(home.resolve("config/roster.csv"), roster, StandardCharsets.UTF_8);
        this.tserverTls = tserverTls;
        for (String name : tserverNames) {
            tservers.put(name, TServerEmulator.start(tserverConfig(name).build()));
        }
        // the front end listens on the transport ucsync is told to use (udp unless ucsync.uc.transport says otherwise)
        String transport = extraProperties.stream()
                .filter(line -> line.startsWith(UC_TRANSPORT))
                .map(line -> line.substring(UC_TRANSPORT.length()))
                .reduce((first, last) -> last)
                .orElse("udp");
        frontEnd = FrontEndEmulator.start(
                new FrontEndEmulatorConfig(FreePorts.pick(InetAddress.getLoopbackAddress()), transport, 0, null));
        for (int i = 1; i <= workers; i++) {
            frontEnd.presence(worker(i), ONLINE, null, PresenceSource.USER);
        }
        writeProperties();
    }

    /** A T-Server emulator with the DNs of the workers on that T-Server. */
    private TServerEmulatorConfig.Builder tserverConfig(String name) {
        return TServerEmulatorConfig.builder().controlPort(0).tls(tserverTls).dns(dnsOf(name));
    }

    /** The DNs of the workers on that T-Server. */
    List<String> dnsOf(String tserver) {
        return IntStream.rangeClosed(1, workers)
                .filter(i -> tserverOf.get(i).equals(tserver))
                .mapToObj(UcsyncHarness::dn)
                .toList();
    }

    static UcsyncHarness in(Path home, String... extraProperties) throws IOException {
        return in(home, 3, extraProperties);
    }

    static UcsyncHarness in(Path home, int workers, String... extraProperties) throws IOException {
        return new UcsyncHarness(home, mainWith(workers), null, List.of(), Map.of(), List.of(extraProperties));
    }

    /** Workers 1 to n, all on the T-Server main. */
    private static Map<String, List<Integer>> mainWith(int workers) {
        return Map.of("main", IntStream.rangeClosed(1, workers).boxed().toList());
    }

    /**
     * A harness whose roster has a map column: one worker per map named, relative to config/ ("" for the default map).
     * A map that is not one of the shipped examples (maps/out-of-office.txt, maps/meetings-ready.txt) is written as a
     * copy of the default map, for the test to edit.
     */
    static UcsyncHarness withTeamMaps(Path home, String... teamMaps) throws IOException {
        return new UcsyncHarness(home, mainWith(teamMaps.length), null, List.of(teamMaps), Map.of(), List.of());
    }

    /** A harness whose ucsync keeps its state in this PostgreSQL database instead of the H2 file. */
    static UcsyncHarness onPostgres(
            Path home, int workers, String jdbcUrl, String user, String password, String... extraProperties)
            throws IOException {
        List<String> properties = new ArrayList<>(
                List.of(STATE_JDBC_URL + jdbcUrl, "ucsync.state.user=" + user, "ucsync.state.password=" + password));
        properties.addAll(List.of(extraProperties));
        return new UcsyncHarness(home, mainWith(workers), null, List.of(), Map.of(), properties);
    }

    /** A harness whose T-Server emulator speaks TLW/1 inside TLS with these settings. */
    static UcsyncHarness withTlsTServer(Path home, TlsSettings tserverTls, String... extraProperties)
            throws IOException {
        return new UcsyncHarness(home, mainWith(3), tserverTls, List.of(), Map.of(), List.of(extraProperties));
    }

    /**
     * A harness with several T-Servers, each with its workers (numbered from 1 across them all, in the map's order),
     * configured with ucsync.tservers and ucsync.tserver.NAME.endpoints only.
     */
    static UcsyncHarness withTServers(
            Path home, LinkedHashMap<String, List<Integer>> workersByTServer, String... extraProperties)
            throws IOException {
        return new UcsyncHarness(home, workersByTServer, null, List.of(), Map.of(), List.of(extraProperties));
    }

    /**
     * A harness whose roster has a pool column: the pool each worker named here is in (the others are in the default
     * pool); the test configures the pools (ucsync.uc.POOL.*) and their front ends.
     */
    static UcsyncHarness withPools(Path home, int workers, Map<Integer, String> poolOf, String... extraProperties)
            throws IOException {
        return new UcsyncHarness(home, mainWith(workers), null, List.of(), poolOf, List.of(extraProperties));
    }

    private static void copyAll(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static String worker(int i) {
        return String.format("sip:kw%04d@ucsync.test", i);
    }

    static String password(int i) {
        return "pw" + i;
    }

    static String dn(int i) {
        return String.valueOf(50000 + i);
    }

    /** The worker whose DN this is ({@link #dn} backwards). */
    static int workerOf(String dn) {
        return Integer.parseInt(dn) - 50000;
    }

    private void writeProperties() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "ucsync.lab.enabled=false",
                "ucsync.uc.server=127.0.0.1:" + frontEnd.port(),
                "ucsync.uc.user=sip:ucsync@ucsync.test",
                "ucsync.tservers=" + String.join(",", tserverNames),
                "ucsync.roster=" + home.resolve("config/roster.csv"),
                "ucsync.presence-map=" + home.resolve(MAP),
                "ucsync.routes=" + home.resolve("routes"),
                "ucsync.dashboard.password=" + OPERATOR_PASSWORD,
                "ucsync.kw.preview-api-token=" + PREVIEW_TOKEN,
                "ucsync.dashboard.frontend-control=127.0.0.1:" + frontEnd.controlPort(),
                "ucsync.dashboard.tserver-control=127.0.0.1:" + tserver().controlPort(),
                "camel.main.name=ucsync-test",
                "camel.server.enabled=true",
                "camel.server.host=127.0.0.1",
                "camel.server.port=" + httpPort,
                "camel.management.enabled=true",
                "camel.management.port=" + managementPort,
                "camel.management.healthCheckEnabled=true",
                "camel.management.metricsEnabled=true",
                "camel.metrics.enabled=true",
                "camel.health.exposureLevel=full"));
        tservers.forEach(
                (name, emulator) -> lines.add("ucsync.tserver." + name + ".endpoints=127.0.0.1:" + emulator.port()));
        if (extraProperties.stream().noneMatch(line -> line.startsWith(STATE_JDBC_URL))) {
            lines.add(STATE_JDBC_URL + "jdbc:h2:file:" + home.resolve("data/ucsync")
                    + ";WRITE_DELAY=0;RETENTION_TIME=1000");
        }
        lines.addAll(extraProperties);
        Files.write(config(), lines, StandardCharsets.UTF_8);
    }

    Path config() {
        return home.resolve("config/application.properties");
    }

    /** Starts the connector in this JVM. */
    UcsyncHarness start() throws Exception {
        connector = Connector.create(config());
        connector.start();
        return this;
    }

    /** Stops the connector in this JVM as an operator would. */
    void stop() {
        connector.close();
        connector = null;
    }

    /**
     * Starts the connector as its own process (java -cp ... io.ucsync.Ucsync), so that a test can kill -9 it, and
     * returns once it has started (its KW API answers), which takes a JVM start of its own.
     */
    void startProcess() throws IOException {
        startProcess(List.of(), Duration.ofSeconds(90));
    }

    /**
     * {@link #startProcess()} with these JVM options for the connector's process (a heap size, a flight recording),
     * waiting at most this long for its start (a roster of 100,000 on a loaded machine takes minutes).
     */
    void startProcess(List<String> jvmOptions, Duration startLimit) throws IOException {
        child = launchProcess(jvmOptions);
        HttpRequest session = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/session"))
                .build();
        await().atMost(startLimit)
                .ignoreExceptions()
                .until(() -> http.send(session, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 401);
    }

    /**
     * Runs the connector as its own process until it exits, as a start that fails does; its exit code. Its output is in
     * {@link #log()}.
     */
    int runProcessUntilExit() throws IOException, InterruptedException {
        Process process = launchProcess(List.of());
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("ucsync did not exit within 90 s");
        }
        return process.exitValue();
    }

    /** java -cp ... io.ucsync.Ucsync with this harness's configuration, its output appended to ucsync.log. */
    private Process launchProcess(List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Ducsync.config=" + config(), "-cp", System.getProperty("java.class.path"), "io.ucsync.Ucsync"));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("ucsync.log").toFile()))
                .start();
    }

    /** What the connector processes started by this harness printed, so far. */
    List<String> log() throws IOException {
        Path log = home.resolve("ucsync.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    /** The process id of the child connector, for jcmd. */
    long processId() {
        return child.pid();
    }

    /** kill -9 of the child connector. */
    void killProcess() throws InterruptedException {
        child.destroyForcibly().waitFor();
        child = null;
    }

    Connector connector() {
        return connector;
    }

    /**
     * Stops the front end and starts a new one on the same port, as a restarted pool: every subscription is lost,
     * and each user's presence is there again (as the users' clients publish it again).
     */
    void restartFrontEnd(Map<Integer, Integer> presences) {
        frontEnd = restarted(frontEnd, workers, presences);
    }

    /**
     * The front end stopped and a new one started on its port, with the presences of workers 1 to {@code workers} set
     * again (Online where none is given).
     */
    static FrontEndEmulator restarted(FrontEndEmulator frontEnd, int workers, Map<Integer, Integer> presences) {
        int port = frontEnd.port();
        frontEnd.close();
        FrontEndEmulator restarted =
                FrontEndEmulator.start(new FrontEndEmulatorConfig(port, frontEnd.transport(), 0, null));
        for (int i = 1; i <= workers; i++) {
            restarted.presence(worker(i), presences.getOrDefault(i, ONLINE), null, PresenceSource.USER);
        }
        return restarted;
    }

    /**
     * Stops the T-Server and starts a new one on the same port that knows no agent, as a T-Server restarted after a
     * crash: ucsync's link reconnects and its resync finds every agent logged out.
     */
    void restartTServerEmpty() {
        String name = tserverNames.get(0);
        int port = tserver().port();
        tserver().kill();
        tservers.put(name, TServerEmulator.start(tserverConfig(name).port(port).build()));
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

    /** The first T-Server (main, unless the harness was made with others). */
    TServerEmulator tserver() {
        return tservers.get(tserverNames.get(0));
    }

    TServerEmulator tserver(String name) {
        return tservers.get(name);
    }

    /** The worker's agent on their own T-Server. */
    DnState agent(int worker) {
        return tservers.get(tserverOf.get(worker)).state(dn(worker));
    }

    /** Waits until the worker's agent on the T-Server is in this state ("Ready", "LoggedOut", "NotReady REASON"). */
    void awaitAgent(int worker, String expected) {
        await().atMost(Duration.ofSeconds(15)).until(() -> describe(agent(worker)), expected::equals);
    }

    static String describe(DnState state) {
        return switch (state.status()) {
            case LoggedOut -> "LoggedOut";
            case Ready -> "Ready";
            case NotReady -> "NotReady " + state.reasonCode();
        };
    }

    /** The KW API of this ucsync. */
    KwClient kw() {
        return kw;
    }

    /** Signs in to the KW API as the worker; the session cookie, or null when refused. */
    String signIn(int worker, String password) throws IOException, InterruptedException {
        return kw.signIn(worker, password);
    }

    /** What the KW API answers to the worker's sign-in with this password. */
    HttpResponse<String> signInResponse(int worker, String password) throws IOException, InterruptedException {
        return kw.signInResponse(worker, password);
    }

    /** A request to the KW API about a worker, signed in as that worker, with the CSRF header; path e.g. "/cc-dnd?on=true". */
    HttpResponse<String> api(String method, int worker, String path) throws IOException, InterruptedException {
        return kw.api(method, worker, path);
    }

    /** A request to the KW API with the given session cookie (or none) and with or without the CSRF header. */
    HttpResponse<String> api(String method, int worker, String path, String cookie, boolean csrfHeader)
            throws IOException, InterruptedException {
        return kw.api(method, worker, path, cookie, csrfHeader);
    }

    /** The routing system offers the worker a preview for a minute, with the harness's token. */
    void offerPreview(int worker) throws IOException, InterruptedException {
        kw.offerPreview(worker, PREVIEW_TOKEN);
    }

    /** A request to the routing system's preview API with this token (or none). */
    HttpResponse<String> previewApi(String method, String pathAndQuery, String token)
            throws IOException, InterruptedException {
        return kw.previewApi(method, pathAndQuery, token);
    }

    @Override
    public void close() throws InterruptedException {
        for (PresenceFlow flow : flows) {
            flow.close();
        }
        if (connector != null) {
            connector.close();
        }
        if (child != null) {
            killProcess();
        }
        frontEnd.close();
        tservers.values().forEach(TServerEmulator::close);
    }
}
