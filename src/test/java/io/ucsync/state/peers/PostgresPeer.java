package io.ucsync.state.peers;

import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * PostgreSQL 15 (Debian package postgresql-15) in a temp dir on a free port, for tests: initdb, then the server in the
 * foreground as a child process (under timeout, so that it stops even if the test JVM dies without closing it), a
 * database per {@link #createDatabase()}. {@link #stop()} stops it as an operator does ({@code pg_ctl stop -m fast}),
 * {@link #startAgain()} starts it again on the same port and data. PostgreSQL refuses to run as root: as root, every command runs as
 * user postgres. A missing PostgreSQL fails the test.
 */
public final class PostgresPeer implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String USER = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dir;
    private final int port;
    private Process server;

    private PostgresPeer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** A new cluster, started and answering. */
    public static PostgresPeer start() {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException(
                    "cannot run PostgreSQL: no " + BIN.resolve("initdb") + " (Debian package postgresql-15)");
        }
        try {
            Path dir = Files.createTempDirectory("postgres-");
            PostgresPeer peer = new PostgresPeer(dir, FreePorts.pick(InetAddress.getLoopbackAddress()));
            if (runningAsRoot()) {
                peer.run(List.of("chown", USER + ":" + USER, dir.toString()), false);
            }
            peer.run(
                    List.of(
                            BIN.resolve("initdb").toString(),
                            "-D",
                            peer.data().toString(),
                            "-U",
                            USER,
                            "--auth=trust",
                            "-E",
                            "UTF8",
                            "--no-sync"),
                    true);
            peer.startServer();
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run PostgreSQL (Debian package postgresql-15)", e);
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    /** The server in the foreground, on this peer's port and data; returns once it accepts connections. */
    private void startServer() throws IOException {
        // timeout: the server stops by itself even if the test JVM dies without closing it
        server = new ProcessBuilder(asPostgres(List.of(
                        "timeout",
                        "--kill-after=5",
                        "1800",
                        BIN.resolve("postgres").toString(),
                        "-D",
                        data().toString(),
                        "-p",
                        String.valueOf(port),
                        "-k",
                        dir.toString(),
                        "-c",
                        "listen_addresses=127.0.0.1")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("postgres.log").toFile()))
                .start();
        try {
            await("PostgreSQL accepting connections on " + port)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("postgres exited", () -> !server.isAlive())
                    .until(this::accepts);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            close();
            throw new IllegalStateException(e.getMessage() + "\n" + log(), e);
        }
    }

    private boolean accepts() {
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "")) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false; // not up yet
        }
    }

    /** A new empty database; its JDBC URL (user {@link #user()}, no password). */
    public String createDatabase() {
        String name = "ucsync_" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    public int port() {
        return port;
    }

    /** Stops the server as an operator does: {@code pg_ctl stop -m fast} (sessions ended, a checkpoint written). */
    public void stop() {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data().toString(), "stop", "-m", "fast", "-w"), true);
        try {
            server.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the stopped server again on the same port and data. */
    public void startAgain() {
        try {
            startServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("postgres.log"));
        } catch (IOException e) {
            return "(cannot read postgres.log: " + e.getMessage() + ")";
        }
    }

    private void run(List<String> command, boolean asPostgres) {
        try {
            Process process = new ProcessBuilder(asPostgres ? asPostgres(command) : command)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (Debian package postgresql-15)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> asPostgres(List<String> command) {
        if (!runningAsRoot()) {
            return command;
        }
        List<String> asUser = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        asUser.addAll(command);
        return asUser;
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Stops the server at once (pg_ctl stop -m immediate) and deletes its data. */
    @Override
    public void close() {
        if (server != null && server.isAlive()) {
            try {
                run(
                        List.of(
                                BIN.resolve("pg_ctl").toString(),
                                "-D",
                                data().toString(),
                                "stop",
                                "-m",
                                "immediate",
                                "-w"),
                        true);
                server.waitFor(10, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                server.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
