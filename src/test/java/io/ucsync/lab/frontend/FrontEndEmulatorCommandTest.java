package io.ucsync.lab.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ucsync.Ucsync;
import io.ucsync.tls.TlsSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code ucsync.jar frontend-emulator ...} run as its own process, as an operator runs it, and its option parsing. */
class FrontEndEmulatorCommandTest {

    private static final Pattern STARTED =
            Pattern.compile("frontend-emulator port=(\\d+) transport=(\\w+) control-port=(-?\\d+)");

    private static Process ucsync(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Ucsync.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    private static String read(java.io.InputStream stream) throws IOException {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        Process process = ucsync("frontend-emulator", "--help");
        String out = read(process.getInputStream());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(out).startsWith(FrontEndEmulatorCommand.USAGE);
    }

    @Test
    void badArgumentsExitWithStatus2TheReasonAndTheUsage() throws Exception {
        Process process = ucsync("frontend-emulator", "--port", "fifty");
        String err = read(process.getErrorStream());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(err)
                .startsWith("frontend-emulator: --port takes a number, not 'fifty'")
                .contains("usage: frontend-emulator");
    }

    @Test
    void theCommandRunsTheEmulatorAndSaysWhereItsPortsAre() throws Exception {
        Process process = ucsync("frontend-emulator", "--port", "0", "--transport", "tcp", "--control-port", "0");
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher started = null;
            String line;
            while ((line = out.readLine()) != null) {
                Matcher matcher = STARTED.matcher(line);
                if (matcher.matches()) {
                    started = matcher;
                    break;
                }
            }
            assertThat(started).as("the line naming the ports").isNotNull();
            assertThat(started.group(2)).isEqualTo("tcp");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(started.group(3)));
                    PrintWriter control = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
                    BufferedReader replies = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                control.println("presence sip:kw01@ucsync.test 6500 on-the-phone phone");
                assertThat(replies.readLine()).isEqualTo("{\"ok\":true}");
                control.println("subscriptions");
                assertThat(replies.readLine()).isEqualTo("{\"ok\":true,\"subscriptions\":[]}");
            }
            try (Socket sip = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(started.group(1)))) {
                assertThat(sip.isConnected())
                        .as("SIP over TCP on the port it names")
                        .isTrue();
            }
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("stops on SIGTERM")
                    .isTrue();
        }
    }

    @Test
    void theOptionsBecomeTheConfigurationAndWhatCannotBeUsedIsRefusedWithTheReason() {
        assertThat(FrontEndEmulatorCommand.parse(
                        new String[] {"--port", "0", "--transport", "tcp", "--control-port", "0"}))
                .isEqualTo(FrontEndEmulatorConfig.builder()
                        .transport("tcp")
                        .controlPort(0)
                        .build());
        assertThat(FrontEndEmulatorCommand.parse(new String[] {
                            "--port",
                            "5061",
                            "--transport",
                            "tls",
                            "--keystore",
                            "fe.p12",
                            "--keystore-password",
                            "k",
                            "--truststore",
                            "ca.p12",
                            "--truststore-password",
                            "t",
                            "--client-auth",
                            "require"
                        })
                        .tls())
                .isEqualTo(new TlsSettings(
                        Path.of("fe.p12"),
                        "k",
                        Path.of("ca.p12"),
                        "t",
                        "PKCS12",
                        TlsSettings.ClientAuth.REQUIRE,
                        false));
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--transport", "udp"}))
                .hasMessageContaining("--port is required");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port"}))
                .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--transport", "sctp"}))
                .hasMessageContaining("transport must be udp, tcp or tls");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--transport", "tls"}))
                .hasMessageContaining("needs a key store");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--truststore", "ca.p12"}))
                .hasMessageContaining("--truststore and --client-auth need --keystore");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(
                        new String[] {"--port", "0", "--keystore", "fe.p12", "--client-auth", "maybe"}))
                .hasMessageContaining("--client-auth is none, want or require, not 'maybe'");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "70000"}))
                .hasMessageContaining("ports are 0-65535");
        assertThatThrownBy(() -> FrontEndEmulatorCommand.parse(new String[] {"--port", "0", "--colour", "blue"}))
                .hasMessageContaining("unknown option --colour");
    }
}
