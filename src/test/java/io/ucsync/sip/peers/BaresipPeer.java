package io.ucsync.sip.peers;

import static org.awaitility.Awaitility.await;

import io.ucsync.sip.internal.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * baresip 1.0 (Debian package baresip) as a knowledge worker's SIP phone that publishes presence through a
 * presence server: it registers, PUBLISHes PIDF, and takes {@code presence_online} / {@code presence_offline}
 * commands over ctrl_tcp (netstring-framed JSON). A missing baresip binary fails the test.
 */
public final class BaresipPeer implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int controlPort;

    private BaresipPeer(Process process, Path dir, int controlPort) {
        this.process = process;
        this.dir = dir;
        this.controlPort = controlPort;
    }

    /**
     * Starts baresip for {@code aor} (e.g. sip:agent2@127.0.0.1) with {@code proxy} (host:port) as outbound
     * proxy and registrar; it publishes every 60 s and on each presence command.
     */
    public static BaresipPeer start(String aor, String proxy) {
        try {
            Path dir = Files.createTempDirectory("baresip-");
            InetAddress loopback = InetAddress.getLoopbackAddress();
            int sipPort = FreePorts.pick(loopback);
            int controlPort = FreePorts.pick(loopback);
            Files.writeString(
                    dir.resolve("config"),
                    String.join(
                            "\n",
                            "poll_method epoll",
                            "sip_listen 127.0.0.1:" + sipPort,
                            "module_path /usr/lib/baresip/modules",
                            "module g711.so",
                            "module ausine.so",
                            "module_app account.so",
                            "module_app presence.so",
                            "module_app ctrl_tcp.so",
                            "ctrl_tcp_listen 127.0.0.1:" + controlPort,
                            "audio_player ausine,",
                            "audio_source ausine,",
                            ""));
            // Registering makes its first PUBLISH say open (without, baresip 1.0 publishes basic "unknown").
            Files.writeString(
                    dir.resolve("accounts"), "<" + aor + ">;outbound=\"sip:" + proxy + "\";regint=600;pubint=60\n");
            Files.writeString(dir.resolve("contacts"), "");
            Process process = new ProcessBuilder("baresip", "-f", dir.toString(), "-t", "600")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("baresip.log").toFile())
                    .start();
            BaresipPeer peer = new BaresipPeer(process, dir, controlPort);
            await("baresip ctrl_tcp on " + controlPort)
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("baresip exited: " + peer.log());
                        }
                        return PortProbe.tcpListening(controlPort);
                    });
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run baresip (Debian package baresip)", e);
        }
    }

    /** Sends a command (e.g. presence_offline) over ctrl_tcp and returns baresip's JSON answer. */
    public String command(String command) throws IOException {
        String json = "{\"command\":\"" + command + "\",\"token\":\"ucsync-test\"}";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), controlPort)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((json.length() + ":" + json + ",").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readNetstring(socket.getInputStream());
        }
    }

    private static String readNetstring(InputStream in) throws IOException {
        int length = 0;
        for (int b = in.read(); b != ':'; b = in.read()) {
            if (b < '0' || b > '9') {
                throw new IOException("not a netstring from baresip (byte " + b + ")");
            }
            length = length * 10 + (b - '0');
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < length; i++) {
            body.write(in.read());
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("baresip.log"));
        } catch (IOException e) {
            return "(cannot read baresip.log: " + e.getMessage() + ")";
        }
    }

    /** Quits baresip, which withdraws its publication first (PUBLISH with Expires: 0). */
    @Override
    public void close() {
        try {
            command("quit");
        } catch (IOException e) {
            // Not answering: terminate it below.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
