package io.ucsync.lab.tserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The text control port: every command, bad commands, and the command line of the subcommand. */
class TServerEmulatorControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TServerEmulator emulator;
    private Socket control;
    private PrintWriter commands;
    private BufferedReader replies;

    @BeforeEach
    void start() throws Exception {
        emulator = TServerEmulator.start(TServerEmulatorConfig.builder()
                .dns(List.of("5001", "5002"))
                .controlPort(0)
                .build());
        control = new Socket("127.0.0.1", emulator.controlPort());
        control.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
        commands = new PrintWriter(control.getOutputStream(), true, StandardCharsets.UTF_8);
        replies = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        control.close();
        emulator.close();
    }

    private JsonNode send(String line) throws Exception {
        commands.println(line);
        String reply = replies.readLine();
        assertThat(reply).as("reply to %s", line).isNotNull();
        return JSON.readTree(reply);
    }

    private JsonNode ok(String line) throws Exception {
        JsonNode reply = send(line);
        assertThat(reply.path("ok").asBoolean()).as("%s -> %s", line, reply).isTrue();
        return reply;
    }

    private String failure(String line) throws Exception {
        JsonNode reply = send(line);
        assertThat(reply.path("ok").asBoolean()).as("%s -> %s", line, reply).isFalse();
        return reply.path("error").asText();
    }

    @Test
    void statesAndStateShowAgentsDndAndCalls() throws Exception {
        try (TestTlibClient client = TestTlibClient.connect(emulator.port())) {
            client.open("5001");
            client.request(TlibMessage.create(MessageType.RequestAgentLogin)
                    .thisDN("5001")
                    .agentId("agent01")
                    .password("")
                    .agentWorkMode(AgentWorkMode.AuxWork)
                    .reasons(new KeyValueCollection().addString("ReasonCode", "Busy")));
            client.next(MessageType.EventAgentNotReady);
            client.request(TlibMessage.create(MessageType.RequestSetDNDOn).thisDN("5001"));
        }
        JsonNode states = ok("states").path("states");
        assertThat(states).hasSize(2);
        JsonNode first = states.get(0);
        assertThat(first.path("dn").asText()).isEqualTo("5001");
        assertThat(first.path("agentId").asText()).isEqualTo("agent01");
        assertThat(first.path("status").asText()).isEqualTo("NotReady");
        assertThat(first.path("workMode").asText()).isEqualTo("AuxWork");
        assertThat(first.path("reasonCode").asText()).isEqualTo("Busy");
        assertThat(first.path("dnd").asBoolean()).isTrue();
        assertThat(states.get(1).path("status").asText()).isEqualTo("LoggedOut");
        assertThat(states.get(1).path("agentId").isNull()).isTrue();

        JsonNode state = ok("state 5002").path("state");
        assertThat(state.path("dn").asText()).isEqualTo("5002");
        assertThat(state.path("calls")).isEmpty();
        assertThat(failure("state 9999")).contains("9999");
    }

    @Test
    void callAnswerAndReleaseReachTheCallee() throws Exception {
        try (TestTlibClient callee = TestTlibClient.connect(emulator.port())) {
            callee.open("5002");
            String connId = ok("call +4930123 5002").path("connId").asText();
            assertThat(connId).matches("[0-9a-f]{16}");
            assertThat(callee.next(MessageType.EventRinging).getConnId().toString())
                    .isEqualTo(connId);
            assertThat(ok("state 5002").path("state").path("calls").get(0).asText())
                    .isEqualTo(connId);
            ok("answer " + connId);
            callee.next(MessageType.EventEstablished);
            assertThat(failure("answer " + connId)).contains("already established");
            ok("release " + connId);
            callee.next(MessageType.EventReleased);
            assertThat(failure("release " + connId)).contains(connId);
        }
        assertThat(failure("call +4930123 9999")).contains("9999");
        assertThat(failure("answer nothex")).contains("16 hex digits");
    }

    @Test
    void linkDownAndUpAndPromoteAndStats() throws Exception {
        try (TestTlibClient client = TestTlibClient.connect(emulator.port())) {
            client.open("5001");
            ok("link down");
            client.next(MessageType.EventLinkDisconnected);
            assertThat(failure("call +4930123 5001")).contains("link");
            ok("link up");
            client.next(MessageType.EventLinkConnected);
            assertThat(failure("link sideways")).contains("up", "down");
            assertThat(ok("promote").path("role").asText()).isEqualTo("Primary");
            JsonNode stats = ok("stats").path("stats");
            assertThat(stats.path("5001").path("RequestRegisterAddress").asInt())
                    .isEqualTo(1);
            assertThat(stats.path("-").path("RequestRegisterClient").asInt()).isEqualTo(1);
        }
    }

    @Test
    void promoteTurnsABackupIntoThePrimary() throws Exception {
        try (TServerEmulator backup = TServerEmulator.start(TServerEmulatorConfig.builder()
                        .dns(List.of("5001"))
                        .role(ServerRole.Backup)
                        .controlPort(0)
                        .build());
                Socket socket = new Socket("127.0.0.1", backup.controlPort())) {
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.println("promote");
            assertThat(JSON.readTree(in.readLine()).path("role").asText()).isEqualTo("Primary");
            assertThat(backup.role()).isEqualTo(ServerRole.Primary);
        }
    }

    @Test
    void anInvalidCommandIsRefusedAndTheConnectionStaysUsable() throws Exception {
        assertThat(failure("frobnicate")).contains("unknown command 'frobnicate'", "states");
        assertThat(failure("state")).contains("takes 1 argument");
        assertThat(failure("x".repeat(2000))).contains("longer than");
        ok("states");
    }

    @Test
    void aPortInUseIsAClearStartError() {
        assertThatThrownBy(() -> TServerEmulator.start(TServerEmulatorConfig.builder()
                        .dns(List.of("5001"))
                        .port(emulator.port())
                        .build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + emulator.port());
        assertThatThrownBy(() -> TServerEmulator.start(TServerEmulatorConfig.builder()
                        .dns(List.of("5001"))
                        .controlPort(emulator.controlPort())
                        .build()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void commandLineOptionsBecomeTheConfig() {
        TServerEmulatorConfig config = TServerEmulatorCommand.parse(new String[] {
            "--port",
            "0",
            "--dns",
            "5001,5002",
            "--role",
            "backup",
            "--control-port",
            "0",
            "--agents",
            "agent01:pw1,agent02:pw2",
            "--mirror",
            "127.0.0.1:7000",
            "--keepalive-timeout",
            "10"
        });
        assertThat(config.dns()).containsExactly("5001", "5002");
        assertThat(config.role()).isEqualTo(ServerRole.Backup);
        assertThat(config.controlPort()).isZero();
        assertThat(config.agents()).containsEntry("agent01", "pw1").containsEntry("agent02", "pw2");
        assertThat(config.mirrorOf().getPort()).isEqualTo(7000);
        assertThat(config.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(10));

        assertThatThrownBy(() -> TServerEmulatorCommand.parse(new String[] {"--dns", "5001"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--port");
        assertThatThrownBy(() ->
                        TServerEmulatorCommand.parse(new String[] {"--port", "0", "--dns", "5001", "--role", "boss"}))
                .hasMessageContaining("primary or backup");
        assertThatThrownBy(() ->
                        TServerEmulatorCommand.parse(new String[] {"--port", "0", "--dns", "5001", "--bogus", "1"}))
                .hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() ->
                        TServerEmulatorCommand.parse(new String[] {"--port", "0", "--dns", "5001", "--mirror", "7000"}))
                .hasMessageContaining("host:port");
    }
}
