package io.ucsync.tlib.link;

import static io.ucsync.tlib.link.TServerLinkTest.answer;
import static io.ucsync.tlib.link.TServerLinkTest.config;
import static io.ucsync.tlib.link.TServerLinkTest.login;
import static io.ucsync.tlib.link.TServerLinkTest.notReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ucsync.emulator.tserver.TServerEmulator;
import io.ucsync.emulator.tserver.TServerEmulatorConfig;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tls.TestCertificates;
import io.ucsync.tls.TlsSettings;
import io.ucsync.tls.TlsSettings.ClientAuth;

/**
 * TLW/1 inside TLS between the link and the T-Server emulator, certificates made by keytool: the agent steps work
 * over TLS and mutual TLS; plaintext on either side, an untrusted certificate, a certificate for another host and a
 * missing client certificate are refused, each with one log line naming the reason, while the link keeps retrying.
 */
class TlwOverTlsTest {

    private static final String PW = TestCertificates.PASSWORD;

    @TempDir
    Path dir;

    private TestCertificates certs;
    private Path serverStore;
    private Path clientStore;
    private Path trustsServer;
    private Path trustsClient;
    private TServerEmulator emulator;
    private TServerLink link;
    private LogCapture linkLog;
    private LogCapture emulatorLog;

    @BeforeEach
    void makeCertificates() {
        certs = new TestCertificates(dir);
        serverStore = certs.keyStore("tserver", "tserver.test");
        clientStore = certs.keyStore("ucsync", "ucsync.test");
        trustsServer = certs.trustStore("trusts-tserver", serverStore);
        trustsClient = certs.trustStore("trusts-ucsync", clientStore);
        linkLog = LogCapture.of(TServerLink.class);
        emulatorLog = LogCapture.of("io.ucsync.emulator.tserver.ClientSession");
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
    }

    private static TlsSettings server(Path keyStore, Path trustStore, ClientAuth clientAuth) {
        return new TlsSettings(keyStore, PW, trustStore, trustStore == null ? null : PW, "PKCS12", clientAuth, false);
    }

    private static TlsSettings client(Path keyStore, Path trustStore) {
        return new TlsSettings(keyStore, keyStore == null ? null : PW, trustStore, PW, "PKCS12", ClientAuth.NONE, true);
    }

    private void start(TlsSettings emulatorTls, TlsSettings linkTls) {
        emulator = TServerEmulator.start(TServerEmulatorConfig.builder().dns(List.of("5001")).agents(Map.of("agent01", "pw1"))
                .tls(emulatorTls).build());
        link = new TServerLink("main", config(emulator.port()).tls(linkTls).build(), null);
        link.register("5001");
        link.start();
    }

    @Test
    void theAgentStepsWorkOverTlsAndOverMutualTls() {
        start(server(serverStore, null, ClientAuth.NONE), client(null, trustsServer));
        await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == LinkState.UP);
        assertThat(answer(link.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn))).type()).isEqualTo(MessageType.EventAgentLogin);
        link.close();
        emulator.close();

        start(server(serverStore, trustsClient, ClientAuth.REQUIRE), client(clientStore, trustsServer));
        await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == LinkState.UP);
        assertThat(answer(link.request(login("5001", "agent01", "pw1", AgentWorkMode.ManualIn))).type()).isEqualTo(MessageType.EventAgentLogin);
        assertThat(answer(link.request(notReady("5001", "Busy"))).getReasonCode()).isEqualTo("Busy");
    }

    @Test
    void aPlaintextLinkIsRefusedByATlsTServer() {
        start(server(serverStore, null, ClientAuth.NONE), null);
        assertRefusedOnce(emulatorLog, "TLS refused with", "not a TLS record");
    }

    @Test
    void aTlsLinkDoesNotTalkToAPlaintextTServer() {
        start(null, client(null, trustsServer));
        assertRefusedOnce(linkLog, "TLS with 127.0.0.1:" + emulator.port() + " failed", "the server closed the connection");
    }

    @Test
    void aCertificateNoCaOfTheLinkSignedIsRefused() {
        Path stranger = certs.keyStore("stranger", "stranger.test");
        start(server(stranger, null, ClientAuth.NONE), client(null, trustsServer));
        assertRefusedOnce(linkLog, "TLS with", "unable to find valid certification path");
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        Path otherHost = certs.keyStore("elsewhere", "tserver.elsewhere.test", "dns:tserver.elsewhere.test");
        start(server(otherHost, null, ClientAuth.NONE), client(null, certs.trustStore("trusts-elsewhere", otherHost)));
        assertRefusedOnce(linkLog, "TLS with", "No subject alternative names matching IP address 127.0.0.1");
    }

    @Test
    void aLinkWithoutACertificateIsRefusedWhereMutualTlsIsRequired() {
        start(server(serverStore, trustsClient, ClientAuth.REQUIRE), client(null, trustsServer));
        assertRefusedOnce(emulatorLog, "TLS refused with", "certificate");
    }

    /** The link never comes up, the reason is logged, and retries do not log it again. */
    private void assertRefusedOnce(LogCapture log, String... reason) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !log.linesWith(reason).isEmpty());
        assertThat(linkLog.linesWith("T-Server link 'main'", "no primary")).hasSize(1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> link.state() != LinkState.UP && linkLog.linesWith("no primary").size() == 1);
        assertThat(log.linesWith(reason).get(0)).startsWith("WARN");
    }
}
