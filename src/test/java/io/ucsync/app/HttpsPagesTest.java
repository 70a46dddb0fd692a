package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ucsync.tls.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KW page, the API and the dashboard over HTTPS, as README "Pointing ucsync at real servers" configures it: a
 * PKCS#12 store made by the test, a real Chromium that trusts that certificate and no other.
 */
class HttpsPagesTest {

    @TempDir
    Path home;

    @Test
    void thePagesAreServedOverTlsOnlyAndTheSessionCookieIsSecure() throws Exception {
        Path store = new TestCertificates(Files.createDirectories(home.resolve("tls"))).keyStore("http", "127.0.0.1");
        try (UcsyncHarness ucsync = UcsyncHarness.in(
                                home,
                                "camel.ssl.enabled=true",
                                "camel.ssl.keyStore=file:" + store,
                                "camel.ssl.keystorePassword=" + TestCertificates.PASSWORD,
                                "camel.ssl.keyStoreType=PKCS12",
                                "camel.server.useGlobalSslContextParameters=true")
                        .start();
                HeadlessChromium chromium = new HeadlessChromium(
                        Files.createDirectories(home.resolve("chromium")), List.of(publicKeyHash(store)))) {
            ucsync.awaitAgent(1, "Ready");
            chromium.open("https://127.0.0.1:" + ucsync.httpPort + "/kw");
            chromium.evaluate("document.getElementById('sipUri').value = '" + UcsyncHarness.worker(1) + "'");
            chromium.evaluate("document.getElementById('password').value = '" + UcsyncHarness.password(1) + "'");
            chromium.evaluate("document.getElementById('signinButton').click()");
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            "Ready".equals(chromium.evaluate("document.getElementById('agentState').textContent")));

            JsonNode session = null;
            for (JsonNode cookie : chromium.cookies()) {
                if (cookie.path("name").asText().equals("ucsync_session")) {
                    session = cookie;
                }
            }
            assertThat(session).as("the session cookie").isNotNull();
            assertThat(session.path("secure").asBoolean())
                    .as("Secure: never sent over plain HTTP")
                    .isTrue();
            assertThat(session.path("httpOnly").asBoolean()).isTrue();
            assertThat(session.path("sameSite").asText()).isEqualTo("Strict");

            HttpRequest plain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ucsync.httpPort + "/kw"))
                    .build();
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()))
                    .as("no page over plain HTTP")
                    .isInstanceOf(IOException.class);
        }
    }

    /** What Chromium's --ignore-certificate-errors-spki-list takes: the base64 SHA-256 of the certificate's public key. */
    private static String publicKeyHash(Path store) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        byte[] publicKey = keyStore.getCertificate("http").getPublicKey().getEncoded();
        return Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(publicKey));
    }
}
