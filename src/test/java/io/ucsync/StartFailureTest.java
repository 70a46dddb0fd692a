package io.ucsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start of {@code java -jar target/ucsync.jar} failing as users see it: the default run (the embedded lab) as
 * a child process in a directory of its own, on free ports, then a second start beside it. Each failure is one line
 * naming what and the fix, exit status 1, no stack trace unless {@code -Ducsync.debug=true} asks for it.
 */
class StartFailureTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path home;

    private final List<Process> children = new ArrayList<>();

    /** The shipped configuration and routes, each listening port moved to a free one, the state in {@code data}. */
    private Path defaultRun(String name, String data, int httpPort) throws IOException {
        Path config = home.resolve("config").resolve(name);
        Files.createDirectories(config.getParent());
        String shipped = Files.readString(Path.of("config/application.properties"), StandardCharsets.UTF_8)
                .replace("ucsync.lab.tserver-port=7000", "ucsync.lab.tserver-port=" + freePort())
                .replace("ucsync.lab.tserver-control-port=7001", "ucsync.lab.tserver-control-port=" + freePort())
                .replace("ucsync.lab.frontend-port=5070", "ucsync.lab.frontend-port=" + freePort())
                .replace("ucsync.lab.frontend-control-port=5071", "ucsync.lab.frontend-control-port=" + freePort())
                .replace("camel.server.port=8080", "camel.server.port=" + httpPort)
                .replace("camel.management.port=9876", "camel.management.port=" + freePort())
                .replace("./data/ucsync", "./" + data + "/ucsync");
        // the lab's T-Server and front end as the UC and T-Server side, on their new ports
        String lab = shipped.replaceAll(
                        "(?m)^ucsync.uc.server=.*$",
                        "ucsync.uc.server=127.0.0.1:" + valueOf(shipped, "ucsync.lab.frontend-port"))
                .replaceAll(
                        "(?m)^ucsync.tserver.main.endpoints=.*$",
                        "ucsync.tserver.main.endpoints=127.0.0.1:" + valueOf(shipped, "ucsync.lab.tserver-port"));
        Files.writeString(config, lab, StandardCharsets.UTF_8);
        for (String file : List.of("config/roster.csv", "config/presence-map.txt")) {
            Files.copy(Path.of(file), home.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(home.resolve("routes"));
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            for (Path route : routes.toList()) {
                Files.copy(
                        route,
                        home.resolve("routes").resolve(route.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return config;
    }

    private static int freePort() {
        return FreePorts.pick(LOOPBACK);
    }

    private static String valueOf(String properties, String key) {
        return properties
                .lines()
                .filter(line -> line.startsWith(key + "="))
                .findFirst()
                .orElseThrow()
                .substring(key.length() + 1);
    }

    /** ucsync as the jar runs it (the jar's own logging configuration), in {@link #home}, its output in a file. */
    private Process ucsync(Path config, String output, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ducsync.config=" + home.relativize(config),
                "-Dlog4j2.configurationFile="
                        + Path.of("src/main/standalone/log4j2.properties").toAbsolutePath()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Ucsync.class.getName()));
        Process process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(output).toFile())
                .start();
        children.add(process);
        return process;
    }

    private List<String> exitedWithOutput(Process process, String output) throws Exception {
        assertThat(process.waitFor(90, TimeUnit.SECONDS))
                .as("the start gives up")
                .isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        return Files.readAllLines(home.resolve(output), StandardCharsets.UTF_8);
    }

    private void awaitStarted(int httpPort) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest session = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/session"))
                .build();
        await().atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .until(() -> http.send(session, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 401);
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void a_second_start_of_the_default_run_says_in_one_line_which_port_is_taken_and_exits_1() throws Exception {
        int httpPort = freePort();
        Path config = defaultRun("application.properties", "data", httpPort);
        ucsync(config, "first.log");
        awaitStarted(httpPort);

        List<String> output = exitedWithOutput(ucsync(config, "second.log"), "second.log");
        assertThat(output).as("the whole output of the second start").hasSize(1);
        assertThat(output.get(0))
                .contains("ERROR")
                .contains("ucsync cannot start: port " + valueOf(Files.readString(config), "ucsync.lab.tserver-port")
                        + " is in use by another process")
                .endsWith("stop it, or change ucsync.lab.tserver-port in " + home.relativize(config));

        List<String> debug = exitedWithOutput(ucsync(config, "debug.log", "-Ducsync.debug=true"), "debug.log");
        assertThat(debug.get(0)).contains("ucsync cannot start: port");
        assertThat(debug).as("-Ducsync.debug=true adds the stack trace").anyMatch(line -> line.startsWith("\tat "));
    }

    @Test
    void a_store_locked_by_another_process_and_a_taken_http_port_are_each_one_line() throws Exception {
        int httpPort = freePort();
        Path first = defaultRun("application.properties", "data", httpPort);
        ucsync(first, "first.log");
        awaitStarted(httpPort);

        Path sameStore = defaultRun("same-store.properties", "data", freePort());
        List<String> locked = exitedWithOutput(ucsync(sameStore, "locked.log"), "locked.log");
        assertThat(locked)
                .filteredOn(line -> line.contains("ERROR"))
                .singleElement()
                .asString()
                .contains("ucsync cannot start: the state store " + home.resolve("data/ucsync.mv.db"))
                .contains("is in use by another process")
                .endsWith("give this one another ucsync.state.jdbc-url in " + home.relativize(sameStore));
        assertThat(locked).noneMatch(line -> line.startsWith("\tat ") || line.contains("WARN"));

        Path sameHttpPort = defaultRun("same-http-port.properties", "data2", httpPort);
        List<String> taken = exitedWithOutput(ucsync(sameHttpPort, "taken.log"), "taken.log");
        assertThat(taken)
                .filteredOn(line -> line.contains("ERROR"))
                .singleElement()
                .asString()
                .contains(
                        "ucsync cannot start: port " + httpPort + " (camel.server.port, the KW page and the dashboard)")
                .endsWith("change camel.server.port in " + home.relativize(sameHttpPort));
        assertThat(taken).noneMatch(line -> line.startsWith("\tat ") || line.contains("WARN"));
    }

    @Test
    void a_routes_directory_that_does_not_exist_is_one_line_naming_it_and_the_fix() throws Exception {
        Path config = defaultRun("application.properties", "data", freePort());
        Files.writeString(
                config, "ucsync.routes=route\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        List<String> output = exitedWithOutput(ucsync(config, "routes.log"), "routes.log");
        assertThat(output)
                .filteredOn(line -> line.contains("ERROR"))
                .singleElement()
                .asString()
                .contains("ucsync cannot start")
                .containsPattern("ucsync\\.routes=/\\S*/route: no such directory")
                .contains("fix: point it at the directory that holds the *.camel.yaml route files");
        assertThat(output).noneMatch(line -> line.startsWith("\tat "));
    }

    @Test
    void a_roster_that_cannot_be_read_is_one_line_naming_the_file_and_the_fix() throws Exception {
        Path config = defaultRun("application.properties", "data", freePort());
        Path roster = home.resolve("config/roster.csv");
        Files.delete(roster);
        Files.createDirectory(roster); // unreadable as a file even for root, which file permissions would not stop

        List<String> output = exitedWithOutput(ucsync(config, "roster.log"), "roster.log");
        assertThat(output)
                .filteredOn(line -> line.contains("cannot start"))
                .singleElement()
                .asString()
                .contains("fix the configuration")
                .contains("config/roster.csv: cannot be read");
        assertThat(output).noneMatch(line -> line.startsWith("\tat "));
    }
}
