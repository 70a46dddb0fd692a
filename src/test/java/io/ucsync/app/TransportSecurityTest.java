package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.tls.TestCertificates;
import io.ucsync.tls.TlsSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ucsync as a process, configured as README "Pointing ucsync at real servers" shows: TLW/1 inside TLS to the
 * T-Server, every worker logged in over it; and none of its secrets (store password, operator password, preview
 * token, agent passwords) in its log or its metrics.
 */
class TransportSecurityTest {

    private static final String STORE_PASSWORD = TestCertificates.PASSWORD;
    private static final String PREVIEW_TOKEN = "routing-token-5f3a9c";

    @TempDir
    Path home;

    @Test
    void theConnectorLogsAgentsInOverTlsAndNoSecretReachesItsLogOrItsMetrics() throws Exception {
        TestCertificates certs = new TestCertificates(Files.createDirectories(home.resolve("certs")));
        Path tserverStore = certs.keyStore("tserver", "tserver.test");
        Path trustsTServer = certs.trustStore("trusts-tserver", tserverStore);
        TlsSettings tserverTls =
                new TlsSettings(tserverStore, STORE_PASSWORD, null, null, "PKCS12", TlsSettings.ClientAuth.NONE, false);
        try (UcsyncHarness ucsync = UcsyncHarness.withTlsTServer(
                home,
                tserverTls,
                "camel.component.tlib.configuration.tls=true",
                "camel.component.tlib.configuration.trust-store=" + trustsTServer,
                "camel.component.tlib.configuration.trust-store-password=" + STORE_PASSWORD,
                "ucsync.kw.preview-api-token=" + PREVIEW_TOKEN)) {
            ucsync.startProcess();
            for (int worker = 1; worker <= 3; worker++) {
                ucsync.awaitAgent(worker, "Ready");
            }
            assertThat(ucsync.signIn(1, "wrong-password-7781")).isNull();
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + ucsync.managementPort + "/observe/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics).contains("ucsync_tserver_link_up");
            ucsync.killProcess();

            String log = Files.readString(home.resolve("ucsync.log"));
            assertThat(log).contains("T-Server link 'main' up");
            for (String secret : List.of(
                    STORE_PASSWORD,
                    UcsyncHarness.OPERATOR_PASSWORD,
                    PREVIEW_TOKEN,
                    "wrong-password-7781",
                    UcsyncHarness.password(1),
                    UcsyncHarness.password(2),
                    UcsyncHarness.password(3))) {
                assertThat(log).as("the log").doesNotContain(secret);
                assertThat(metrics).as("the metrics").doesNotContain(secret);
            }
        }
    }
}
