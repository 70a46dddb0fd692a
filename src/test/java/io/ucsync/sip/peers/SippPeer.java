package io.ucsync.sip.peers;

import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * SIPp (Debian package sip-tester) running one scenario from {@code src/test/resources/sipp/}, on a free port of
 * 127.0.0.1, with its message and error traces in a temporary directory. A missing sipp binary fails the test.
 */
public final class SippPeer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;
    private final String scenario;

    private SippPeer(Process process, int port, Path dir, String scenario) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.scenario = scenario;
    }

    /** Options of a SIPp run. */
    public static final class Builder {
        private final String scenario;
        private String transport = "u1";
        private int calls = 1;
        private int timeoutSeconds = 60;
        private String remote;
        private Double rate;
        private Integer limit;
        private final Map<String, String> keys = new LinkedHashMap<>();
        private final List<String> extra = new ArrayList<>();
        private final Map<String, String> files = new LinkedHashMap<>();
        private boolean trace = true;

        private Builder(String scenario) {
            this.scenario = scenario;
        }

        /** SIPp transport mode: u1 (UDP, default), t1 (TCP, one socket). */
        public Builder transport(String mode) {
            this.transport = mode;
            return this;
        }

        /** Calls after which SIPp exits (-m). */
        public Builder calls(int calls) {
            this.calls = calls;
            return this;
        }

        /** Global timeout after which SIPp gives up (-timeout, with -timeout_error). */
        public Builder timeoutSeconds(int seconds) {
            this.timeoutSeconds = seconds;
            return this;
        }

        /** A keyword replaced in the scenario's messages, [name] (-key). */
        public Builder key(String name, String value) {
            keys.put(name, value);
            return this;
        }

        /** Call rate per second (-r) and the most simultaneous calls (-l), for a client scenario. */
        public Builder rate(double perSecond, int simultaneous) {
            this.rate = perSecond;
            this.limit = simultaneous;
            return this;
        }

        /** No message trace (for load: writing every message would measure the disk). */
        public Builder noTrace() {
            this.trace = false;
            return this;
        }

        /** A file beside the scenario, for its {@code [file name="..."]} keywords. */
        public Builder file(String name, String content) {
            files.put(name, content);
            return this;
        }

        public Builder arg(String... args) {
            extra.addAll(List.of(args));
            return this;
        }

        /** Runs the scenario as a server, waiting on its port. */
        public SippPeer startServer() {
            return start(null);
        }

        /** Runs the scenario as a client towards host:port. */
        public SippPeer startClient(String hostPort) {
            return start(hostPort);
        }

        private SippPeer start(String target) {
            this.remote = target;
            try {
                Path dir = Files.createTempDirectory("sipp-");
                Path source =
                        Path.of(SippPeer.class.getResource("/sipp/" + scenario).toURI());
                Path file = dir.resolve(scenario);
                Files.copy(source, file);
                for (Map.Entry<String, String> extraFile : files.entrySet()) {
                    Files.writeString(dir.resolve(extraFile.getKey()), extraFile.getValue());
                }
                int port = FreePorts.pick(InetAddress.getLoopbackAddress());
                List<String> command = new ArrayList<>(List.of(
                        "sipp",
                        "-sf",
                        file.toString(),
                        "-i",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-t",
                        transport,
                        "-m",
                        Integer.toString(calls),
                        "-nostdin",
                        "-nd",
                        // SIPp's default socket buffers lose datagrams under load; each loss costs a 500 ms retransmit.
                        "-buff_size",
                        "4194304",
                        "-timeout",
                        timeoutSeconds + "s",
                        "-timeout_error",
                        "-trace_err",
                        "-error_file",
                        dir.resolve("errors.log").toString(),
                        "-trace_screen",
                        "-screen_file",
                        dir.resolve("screen.log").toString()));
                if (trace) {
                    command.addAll(List.of(
                            "-trace_msg",
                            "-message_file",
                            dir.resolve("messages.log").toString()));
                }
                if (rate != null) {
                    command.addAll(List.of("-r", rate.toString(), "-l", limit.toString()));
                }
                keys.forEach((k, v) -> command.addAll(List.of("-key", k, v)));
                command.addAll(extra);
                if (remote != null) {
                    command.add(remote);
                }
                Process process = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("stdout.log").toFile())
                        .start();
                SippPeer peer = new SippPeer(process, port, dir, scenario);
                try {
                    await("sipp " + scenario + " listening on " + port)
                            .atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(50))
                            .failFast("sipp exited", () -> !process.isAlive())
                            .until(() -> peer.listening(transport));
                } catch (ConditionTimeoutException | TerminalFailureException e) {
                    peer.close();
                    throw new IllegalStateException(e.getMessage() + "\n" + peer.output(), e);
                }
                return peer;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run sipp (Debian package sip-tester)", e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static Builder scenario(String name) {
        return new Builder(name);
    }

    public int port() {
        return port;
    }

    /** host:port of this SIPp, as a sip-presence server option. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    private boolean listening(String transport) {
        return transport.startsWith("u") ? PortProbe.udpBound(port) : PortProbe.tcpListening(port);
    }

    /** Waits for SIPp to finish its calls and returns its exit code (0: every call succeeded). */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("sipp " + scenario + " still running after " + timeout + "\n" + output());
        }
        return process.exitValue();
    }

    /** The messages SIPp sent and received so far. */
    public String messages() {
        return read("messages.log");
    }

    /** SIPp's screen, errors and output, for a failure message. */
    public String output() {
        return "--- screen\n" + read("screen.log") + "\n--- errors\n" + read("errors.log") + "\n--- stdout\n"
                + read("stdout.log");
    }

    private String read(String name) {
        try {
            Path file = dir.resolve(name);
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read " + name + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
