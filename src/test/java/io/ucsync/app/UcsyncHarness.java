package io.ucsync.app;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.ucsync.emulator.frontend.FrontEndEmulator;
import io.ucsync.emulator.tserver.DnState;
import io.ucsync.emulator.tserver.TServerEmulator;
import io.ucsync.sip.internal.FreePorts;

/**
 * ucsync as a user runs it, in a directory of its own: the project's routes/ and presence map, a roster of a few
 * workers, the embedded lab on free loopback ports, the state in an H2 file there. Extra properties are appended
 * to application.properties.
 */
final class UcsyncHarness implements AutoCloseable {

    static final String MAP = "config/presence-map.txt";

    final Path home;
    final int tserverPort;
    final int frontEndPort;
    private final List<String> extraProperties;
    private Connector connector;

    private UcsyncHarness(Path home, List<String> extraProperties) throws IOException {
        this.home = home;
        this.extraProperties = extraProperties;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tserverPort = socket.getLocalPort();
        }
        frontEndPort = FreePorts.pick(InetAddress.getLoopbackAddress());
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("routes"));
        Files.copy(Path.of(MAP), home.resolve(MAP), StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                Files.copy(route, home.resolve("routes").resolve(route.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<String> roster = new ArrayList<>(List.of("sip_uri,dn,agent_id,tserver,queue,password"));
        for (int i = 1; i <= 3; i++) {
            roster.add(worker(i) + ",500" + i + ",agent0" + i + ",main,,");
        }
        Files.write(home.resolve("config/roster.csv"), roster, StandardCharsets.UTF_8);
        writeProperties();
    }

    static UcsyncHarness in(Path home, String... extraProperties) throws IOException {
        return new UcsyncHarness(home, List.of(extraProperties));
    }

    static String worker(int i) {
        return "sip:kw0" + i + "@ucsync.test";
    }

    private void writeProperties() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "ucsync.lab.enabled=true",
                "ucsync.lab.tserver-port=" + tserverPort,
                "ucsync.lab.frontend-port=" + frontEndPort,
                "ucsync.uc.server=127.0.0.1:" + frontEndPort,
                "ucsync.tserver.main.endpoints=127.0.0.1:" + tserverPort,
                "ucsync.roster=" + home.resolve("config/roster.csv"),
                "ucsync.presence-map=" + home.resolve(MAP),
                "ucsync.routes=" + home.resolve("routes"),
                "ucsync.state.jdbc-url=jdbc:h2:file:" + home.resolve("data/ucsync") + ";WRITE_DELAY=0",
                "camel.main.name=ucsync-test"));
        lines.addAll(extraProperties);
        Files.write(home.resolve("config/application.properties"), lines, StandardCharsets.UTF_8);
    }

    UcsyncHarness start() throws Exception {
        connector = Connector.create(home.resolve("config/application.properties"));
        connector.start();
        return this;
    }

    Connector connector() {
        return connector;
    }

    FrontEndEmulator frontEnd() {
        return connector.lab().frontEnd();
    }

    TServerEmulator tserver() {
        return connector.lab().tserver();
    }

    DnState agent(int worker) {
        return tserver().state("500" + worker);
    }

    /** Waits until the worker's agent on the T-Server is in this state (status, and reason when NotReady). */
    void awaitAgent(int worker, String expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> describe(agent(worker)), expected::equals);
    }

    static String describe(DnState state) {
        return switch (state.status()) {
            case LoggedOut -> "LoggedOut";
            case Ready -> "Ready";
            case NotReady -> "NotReady " + state.reasonCode();
        };
    }

    @Override
    public void close() {
        if (connector != null) {
            connector.close();
        }
    }
}
