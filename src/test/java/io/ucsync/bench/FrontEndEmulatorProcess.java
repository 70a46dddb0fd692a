package io.ucsync.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The UC front-end emulator in a JVM of its own ({@code java -cp ... io.ucsync.Ucsync frontend-emulator}), so that
 * a benchmark measures ucsync in its JVM and the emulator in another, as a site runs them on separate machines
 * (here on the same cores). Driven over its control port; its output goes to a file.
 */
public final class FrontEndEmulatorProcess implements AutoCloseable {

    private static final Pattern STARTED =
            Pattern.compile("frontend-emulator port=(\\d+) transport=\\S+ control-port=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;
    private final Socket control;
    private final PrintWriter commands;
    private final BufferedReader replies;

    private FrontEndEmulatorProcess(Process process, Path log, int port, int controlPort) throws IOException {
        this.process = process;
        this.log = log;
        this.port = port;
        this.control = new Socket(InetAddress.getLoopbackAddress(), controlPort);
        this.commands = new PrintWriter(control.getOutputStream(), true, StandardCharsets.UTF_8);
        this.replies = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the emulator on free ports and returns once it says where it listens. */
    public static FrontEndEmulatorProcess start(String transport, String... jvmOptions)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("frontend-emulator-", ".log");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "io.ucsync.Ucsync",
                "frontend-emulator",
                "--port",
                "0",
                "--control-port",
                "0",
                "--transport",
                transport));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Matcher started;
        try {
            started = await("the front-end emulator's start line")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("the front-end emulator exited", () -> !process.isAlive())
                    .until(() -> STARTED.matcher(Files.readString(log, StandardCharsets.UTF_8)), Matcher::find);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(e.getMessage() + ":\n" + Files.readString(log), e);
        }
        return new FrontEndEmulatorProcess(
                process, log, Integer.parseInt(started.group(1)), Integer.parseInt(started.group(2)));
    }

    /** The emulator's SIP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Runs one control command; its JSON reply, refused when not ok. */
    public synchronized JsonNode command(String line) {
        try {
            commands.println(line);
            String reply = replies.readLine();
            if (reply == null) {
                throw new IllegalStateException(
                        "the front-end emulator closed its control port:\n" + Files.readString(log));
            }
            JsonNode json = JSON.readTree(reply);
            if (!json.path("ok").asBoolean()) {
                throw new IllegalStateException("'" + line + "' refused: " + reply);
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stats command: subscriptions, watched, received, queued, removedAsStuck, udpReceiveDrops. */
    public JsonNode stats() {
        return command("stats");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        control.close();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
