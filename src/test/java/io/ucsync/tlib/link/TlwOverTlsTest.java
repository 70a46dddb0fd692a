package io.ucsync.tlib.link;

import static io.ucsync.tlib.link.TServerLinkTest.answer;
import static io.ucsync.tlib.link.TServerLinkTest.config;
import static io.ucsync.tlib.link.TServerLinkTest.login;
import static io.ucsync.tlib.link.TServerLinkTest.notReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tlib.codec.NettyLeakWatcher;
import io.ucsync.tlib.codec.TlwDecoder;
import io.ucsync.tlib.protocol.AgentStatus;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import io.ucsync.tls.TestCertificates;
import io.ucsync.tls.TlsSettings;
import io.ucsync.tls.TlsSettings.ClientAuth;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLW/1 inside TLS between the link and the T-Server emulator, certificates made by keytool: the agent steps work
 * over TLS and mutual TLS; plaintext on either side, an untrusted certificate, a certificate for another host and a
 * missing client certificate are refused. Each refusal is one WARN line on the link naming the reason (and one on
 * the emulator per refused connection where the emulator refuses), without a stack trace, while the link keeps
 * retrying with back-off and leaks neither sockets nor Netty buffers.
 */
class TlwOverTlsTest {

    @RegisterExtension
    static final NettyLeakWatcher LEAKS = new NettyLeakWatcher();

    private static final String PW = TestCertificates.PASSWORD;
    /** Connections the link opens after its first refusal while the test watches for leaks. */
    private static final int RETRIES_WATCHED = 8;

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static Path serverStore;
    private static Path clientStore;
    private static Path trustsServer;
    private static Path trustsClient;

    private TServerEmulator emulator;
    private TServerLink link;
    private LogCapture linkLog;
    private LogCapture emulatorLog;
    private LogCapture decoderLog;

    @BeforeAll
    static void makeCertificates() {
        certs = new TestCertificates(dir);
        serverStore = certs.keyStore("tserver", "tserver.test");
        clientStore = certs.keyStore("ucsync", "ucsync.test");
        trustsServer = certs.trustStore("trusts-tserver", serverStore);
        trustsClient = certs.trustStore("trusts-ucsync", clientStore);
    }

    @BeforeEach
    void captureLogs() {
        linkLog = LogCapture.of(TServerLink.class);
        emulatorLog = LogCapture.of("io.ucsync.lab.tserver.ClientSession");
        decoderLog = LogCapture.of(TlwDecoder.class);
    }

    @AfterEach
    void stop() {
        if (link != null) {
            link.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        linkLog.close();
        emulatorLog.close();
        decoderLog.close();
    }

    private static TlsSettings server(Path keyStore, Path trustStore, ClientAuth clientAuth) {
        return new TlsSettings(keyStore, PW, trustStore, trustStore == null ? null : PW, "PKCS12", clientAuth, false);
    }

    private static TlsSettings client(Path keyStore, Path trustStore) {
        return new TlsSettings(keyStore, keyStore == null ? null : PW, trustStore, PW, "PKCS12", ClientAuth.NONE, true);
    }

    private void start(TlsSettings emulatorTls, TlsSettings linkTls) {
        emulator = TServerEmulator.start(TServerEmulatorConfig.builder()
                .dns(List.of("5001"))
                .agents(Map.of("agent01", "pw1"))
                .tls(emulatorTls)
                .build());
        link = new TServerLink(
                "main",
                config(emulator.port())
                        .reconnectMaxDelay(Duration.ofMillis(200))
                        .tls(linkTls)
                        .build(),
                null);
        link.register("5001");
        link.start();
    }

    private void agentStepsWork() {
        await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == LinkState.UP);
        assertThat(answer(link.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn)))
                        .type())
                .isEqualTo(MessageType.EventAgentLogin);
        TlibMessage notReady = answer(link.request(notReady("5001", "Busy")));
        assertThat(notReady.type()).isEqualTo(MessageType.EventAgentNotReady);
        assertThat(notReady.getReasonCode()).isEqualTo("Busy");
        assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.NotReady);
        assertThat(answer(link.request(TlibMessage.create(MessageType.RequestAgentReady)
                                .thisDN("5001")
                                .agentWorkMode(AgentWorkMode.ManualIn)))
                        .type())
                .isEqualTo(MessageType.EventAgentReady);
        assertThat(emulator.state("5001").status()).isEqualTo(AgentStatus.Ready);
    }

    @Test
    void loginNotReadyAndReadyWorkOverTls() {
        start(server(serverStore, null, ClientAuth.NONE), client(null, trustsServer));
        agentStepsWork();
    }

    @Test
    void loginNotReadyAndReadyWorkOverMutualTls() {
        start(server(serverStore, trustsClient, ClientAuth.REQUIRE), client(clientStore, trustsServer));
        agentStepsWork();
        assertThat(emulatorLog.linesWith("TLS refused")).isEmpty();
    }

    @Test
    void aPlaintextLinkIsRefusedByATlsTServer() {
        start(server(serverStore, null, ClientAuth.NONE), null);
        assertRefused(
                "closed the connection before answering RequestRegisterClient (a TLS port? this link speaks plain TLW/1)");
        assertThat(emulatorLog.linesWith("TLS refused with", "not a TLS record (the client speaks plain TLW/1)"))
                .isNotEmpty();
        // not Netty's own message, which dumps the bytes received: they could be a request carrying an agent's password
        assertThat(emulatorLog.lines()).noneMatch(line -> line.contains("not an SSL/TLS record"));
    }

    @Test
    void aTlsLinkDoesNotTalkToAPlaintextTServer() {
        start(null, client(null, trustsServer));
        assertRefused("TLS with 127.0.0.1:" + emulator.port()
                + " failed: the server closed the connection (a plain TLW/1 port?)");
        assertThat(decoderLog.linesWith("closing TLW/1 connection", "the bytes are a TLS record: the peer speaks TLS"))
                .isNotEmpty();
        assertThat(decoderLog.linesWithStackTraces()).isEmpty();
    }

    @Test
    void aCertificateNoCaOfTheLinkSignedIsRefused() {
        Path stranger = certs.keyStore("stranger", "stranger.test");
        start(server(stranger, null, ClientAuth.NONE), client(null, trustsServer));
        assertRefused("TLS with 127.0.0.1:" + emulator.port()
                + " failed: unable to find valid certification path to requested target");
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        Path otherHost = certs.keyStore("elsewhere", "tserver.elsewhere.test", "dns:tserver.elsewhere.test");
        start(server(otherHost, null, ClientAuth.NONE), client(null, certs.trustStore("trusts-elsewhere", otherHost)));
        assertRefused("TLS with 127.0.0.1:" + emulator.port()
                + " failed: No subject alternative names matching IP address 127.0.0.1 found");
    }

    @Test
    void aLinkWithoutACertificateIsRefusedWhereMutualTlsIsRequired() {
        start(server(serverStore, trustsClient, ClientAuth.REQUIRE), client(null, trustsServer));
        // TLS 1.3: the link's side of the handshake is done before the server looks for its certificate, so the
        // refusal arrives as the server's alert while the link registers
        assertRefused("TLS with 127.0.0.1:" + emulator.port() + " failed: Received fatal alert: ");
        assertThat(linkLog.linesWith("the T-Server refused this link's certificate, or its lack of one"))
                .hasSize(1);
        assertThat(emulatorLog.linesWith("TLS refused with", "Empty client certificate chain"))
                .isNotEmpty();
    }

    /**
     * The link never comes up; it says why in one WARN line without a stack trace, and only once, while it goes on
     * connecting with back-off; the connections it gives up are closed (the process's open files do not grow with
     * them) and their buffers released (the leak watcher).
     */
    private void assertRefused(String reason) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !linkLog.linesWith(reason).isEmpty());
        long filesAfterFirstRefusal = openFiles();
        int connectionsAfterFirstRefusal = connectionsAccepted();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> connectionsAccepted() >= connectionsAfterFirstRefusal + RETRIES_WATCHED);
        await("the connections the link gave up are closed")
                .atMost(Duration.ofSeconds(5))
                .until(() -> openFiles() < filesAfterFirstRefusal + RETRIES_WATCHED / 2);

        assertThat(link.state()).isEqualTo(LinkState.CONNECTING);
        assertThat(linkLog.linesWith(reason)).hasSize(1);
        assertThat(linkLog.linesWith(reason).get(0))
                .startsWith("WARN T-Server link 'main': no primary among [127.0.0.1:" + emulator.port() + "] (")
                .contains("retrying with back-off")
                .doesNotContain("\n");
        assertThat(linkLog.lines())
                .as("one line for the outage, none per retry")
                .filteredOn(line -> line.startsWith("WARN"))
                .hasSize(1);
        assertThat(linkLog.linesWithStackTraces()).isEmpty();
        assertThat(emulatorLog.linesWithStackTraces()).isEmpty();
        assertThat(emulatorLog.lines()).allMatch(line -> !line.contains("\n"));
    }

    /** Connections the emulator has accepted (it logs each one), refused or not. */
    private int connectionsAccepted() {
        return emulatorLog.linesWith("client connected from").size();
    }

    private static long openFiles() {
        return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }
}
