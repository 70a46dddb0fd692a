package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default run as a new user starts it: the shipped config/ and routes/, the jar's own logging, in a directory of
 * its own. Only the port numbers differ from the shipped file, so that the run cannot meet another on this machine.
 */
class DefaultRunTest {

    /** The shipped keys that hold a port, and those that hold host:port of the embedded lab. */
    private static final List<String> PORT_KEYS = List.of(
            "ucsync.lab.tserver-port",
            "ucsync.lab.frontend-port",
            "ucsync.lab.tserver-control-port",
            "ucsync.lab.frontend-control-port",
            "camel.server.port",
            "camel.management.port");

    @TempDir
    Path home;

    @Test
    void theShippedConfigurationServesThisMachineOnlyAndTheStartEndsWithOneSummaryAndOneReadyLine() throws Exception {
        Map<String, Integer> ports = shippedConfigurationWithFreePorts();
        Process ucsync = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dlog4j2.configurationFile="
                                + Path.of("src/main/standalone/log4j2.properties")
                                        .toAbsolutePath(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.ucsync.Ucsync")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("ucsync.log").toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> log().contains("ucsync ready:"));
            String log = log();
            assertThat(log).doesNotContain("HTTP endpoints summary");
            assertThat(occurrences(log, "HTTP endpoints on http://127.0.0.1:" + ports.get("camel.server.port") + ":"))
                    .isEqualTo(1);
            assertThat(occurrences(
                            log,
                            "management endpoints on http://127.0.0.1:" + ports.get("camel.management.port") + ":"))
                    .isEqualTo(1);
            assertThat(log.indexOf("ucsync ready:"))
                    .as("ready comes last")
                    .isGreaterThan(log.indexOf("HTTP endpoints on"));
            assertThat(log).contains("dashboard http://127.0.0.1:" + ports.get("camel.server.port") + "/dashboard");

            for (String server : List.of("camel.server.port", "camel.management.port")) {
                int port = ports.get(server);
                reach(InetAddress.getLoopbackAddress(), port);
                // bound to 127.0.0.1 only: another loopback address of this very machine does not reach it
                assertThatThrownBy(() -> reach(InetAddress.getByName("127.0.0.2"), port))
                        .as(server)
                        .isInstanceOf(ConnectException.class);
            }
        } finally {
            ucsync.destroyForcibly().waitFor();
        }
    }

    private Map<String, Integer> shippedConfigurationWithFreePorts() throws IOException {
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("routes"));
        for (Path directory : List.of(Path.of("config"), Path.of("routes"))) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.createDirectories(home.resolve(file).getParent());
                    Files.copy(file, home.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path properties = home.resolve("config/application.properties");
        String text = Files.readString(properties);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String key : PORT_KEYS) {
            int port = FreePorts.pick(InetAddress.getLoopbackAddress());
            String shipped = text.replaceAll("(?s).*\\n" + key.replace(".", "\\.") + "=(\\d+)\\n.*", "$1");
            ports.put(key, port);
            text = text.replace(key + "=" + shipped + "\n", key + "=" + port + "\n")
                    .replace("127.0.0.1:" + shipped + "\n", "127.0.0.1:" + port + "\n");
        }
        Files.writeString(properties, text);
        return ports;
    }

    private String log() throws IOException {
        return Files.readString(home.resolve("ucsync.log"));
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static void reach(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
        }
    }
}
