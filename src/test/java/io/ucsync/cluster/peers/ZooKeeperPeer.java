package io.ucsync.cluster.peers;

import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Debian's ZooKeeper (package zookeeper) in a temp dir on a free port, for tests: a standalone server with its own
 * configuration and data (tickTime 2000 ms: sessions of 4 to 40 s), in the foreground as a child process under
 * timeout (so that it stops even if the test JVM dies), ready once it answers {@code ruok}. {@link #kill()} and
 * {@link #startAgain()} restart it on the same port and data, as a crash and a restart would. A missing ZooKeeper fails
 * the test.
 */
public final class ZooKeeperPeer implements AutoCloseable {

    private static final Path SERVER = Path.of("/usr/share/zookeeper/bin/zkServer.sh");

    private final Path dir;
    private final String host;
    private final int port;
    private Process server;

    private ZooKeeperPeer(Path dir, String host, int port) {
        this.dir = dir;
        this.host = host;
        this.port = port;
    }

    /** A server on loopback, started and answering. */
    public static ZooKeeperPeer start() {
        return start(InetAddress.getLoopbackAddress().getHostAddress());
    }

    /** A server on this address (one of a test's network namespaces, say), started and answering. */
    public static ZooKeeperPeer start(String host) {
        if (!Files.isExecutable(SERVER)) {
            throw new IllegalStateException("cannot run ZooKeeper: no " + SERVER + " (Debian package zookeeper)");
        }
        try {
            Path dir = Files.createTempDirectory("zookeeper-");
            ZooKeeperPeer peer = new ZooKeeperPeer(dir, host, FreePorts.pick(InetAddress.getByName(host)));
            Files.writeString(
                    dir.resolve("zoo.cfg"),
                    String.join(
                                    "\n",
                                    List.of(
                                            "tickTime=2000",
                                            "dataDir=" + dir.resolve("data"),
                                            "clientPort=" + peer.port,
                                            "clientPortAddress=" + host,
                                            // no AdminServer: it would take port 8080
                                            "admin.enableServer=false",
                                            "4lw.commands.whitelist=ruok,srvr"))
                            + "\n",
                    StandardCharsets.UTF_8);
            peer.startServer();
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ZooKeeper (Debian package zookeeper)", e);
        }
    }

    private void startServer() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        "timeout",
                        "--kill-after=5",
                        "1800",
                        SERVER.toString(),
                        "start-foreground",
                        dir.resolve("zoo.cfg").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("zookeeper.log").toFile()));
        builder.environment().put("ZOO_LOG_DIR", dir.toString());
        server = builder.start();
        try {
            await("ZooKeeper answering on " + connectString())
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("ZooKeeper exited", () -> !server.isAlive())
                    .until(this::answers);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            close();
            throw new IllegalStateException(e.getMessage() + "\n" + log(), e);
        }
    }

    /** Whether the server answers ZooKeeper's four-letter {@code ruok} with {@code imok}. */
    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("ruok".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).equals("imok");
        } catch (IOException e) {
            return false;
        }
    }

    /** host:port, for ucsync.cluster.zookeeper. */
    public String connectString() {
        return host + ":" + port;
    }

    /** kill -9 of the server, as a crash. */
    public void kill() {
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
        try {
            server.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the killed server again on the same port and data. */
    public void startAgain() {
        try {
            startServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's output so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("zookeeper.log"));
        } catch (IOException e) {
            return "(cannot read zookeeper.log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (server != null) {
            kill();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
