package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.tlib.protocol.AgentStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may do what through the KW API, preview offers from a routing system, and subscribing only signed-in workers. */
class KwAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "routing-system-secret";

    @TempDir
    Path home;

    @Test
    void aWorkerReadsAndChangesOnlyThemselvesAfterSigningInAndChangesNeedTheCsrfHeader() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            ucsync.awaitAgent(1, "Ready");
            assertThat(ucsync.signIn(1, "wrong")).as("wrong password").isNull();
            assertThat(ucsync.api("GET", 1, "", null, false).statusCode())
                    .as("no session")
                    .isEqualTo(401);

            String alice = ucsync.signIn(1, UcsyncHarness.password(1));
            assertThat(ucsync.api("GET", 1, "", alice, false).statusCode()).isEqualTo(200);
            assertThat(ucsync.api("GET", 2, "", alice, false).statusCode())
                    .as("another worker's view")
                    .isEqualTo(403);
            assertThat(ucsync.api("PUT", 2, "/cc-dnd?on=true", alice, true).statusCode())
                    .as("another worker's flag")
                    .isEqualTo(403);
            HttpResponse<String> forged = ucsync.api("PUT", 1, "/cc-dnd?on=true", alice, false);
            assertThat(forged.statusCode())
                    .as("a change without X-Requested-With")
                    .isEqualTo(403);
            assertThat(forged.body()).contains("X-Requested-With");
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> UcsyncHarness.describe(ucsync.agent(1)).equals("Ready"));
            assertThat(ucsync.agent(2).status()).isEqualTo(AgentStatus.Ready);
        }
    }

    @Test
    void guessingAPasswordIsRefusedAfterFiveFailuresWithoutLockingOutOtherWorkers() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            for (int guess = 1; guess <= 5; guess++) {
                assertThat(ucsync.signInResponse(1, "guess" + guess).statusCode())
                        .isEqualTo(401);
            }
            HttpResponse<String> throttled = ucsync.signInResponse(1, UcsyncHarness.password(1));
            assertThat(throttled.statusCode())
                    .as("even the right password, while the guesses count")
                    .isEqualTo(429);
            assertThat(Long.parseLong(
                            throttled.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 300L);
            assertThat(ucsync.signIn(2, UcsyncHarness.password(2)))
                    .as("another worker")
                    .isNotNull();
        }
    }

    @Test
    void theRoutingSystemOffersPreviewsWithItsTokenAndTheWorkerAcceptsOrDeclinesOrTheOfferIsWithdrawn()
            throws Exception {
        try (UcsyncHarness ucsync =
                UcsyncHarness.in(home, "ucsync.kw.preview-api-token=" + TOKEN).start()) {
            ucsync.awaitAgent(1, "Ready");
            String offerTo1 = "?worker=" + URLEncoder.encode(worker(1), StandardCharsets.UTF_8);
            assertThat(ucsync.previewApi("POST", offerTo1 + "&timeout=30", null).statusCode())
                    .isEqualTo(401);
            assertThat(ucsync.previewApi("POST", offerTo1 + "&timeout=30", "guess")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(ucsync.previewApi("POST", offerTo1 + "&timeout=99999", TOKEN)
                            .statusCode())
                    .isEqualTo(400);

            JsonNode offer = JSON.readTree(
                    ucsync.previewApi("POST", offerTo1 + "&timeout=30", TOKEN).body());
            assertThat(offer.path("status").asText()).isEqualTo("offered");
            assertThat(JSON.readTree(ucsync.api("GET", 1, "").body())
                            .path("previewOffered")
                            .path("id")
                            .asText())
                    .isEqualTo(offer.path("id").asText());
            assertThat(ucsync.api("POST", 1, "/preview/accept").statusCode()).isEqualTo(200);
            assertThat(status(ucsync, offer)).isEqualTo("accepted");
            assertThat(ucsync.api("POST", 1, "/preview/accept").statusCode())
                    .as("nothing left to accept")
                    .isEqualTo(409);

            JsonNode declined = JSON.readTree(
                    ucsync.previewApi("POST", offerTo1 + "&timeout=30", TOKEN).body());
            ucsync.api("POST", 1, "/preview/decline");
            assertThat(status(ucsync, declined)).isEqualTo("declined");
            ucsync.awaitAgent(1, "NotReady PreviewDeclined");

            JsonNode ignored = JSON.readTree(
                    ucsync.previewApi("POST", offerTo1 + "&timeout=1", TOKEN).body());
            await().atMost(Duration.ofSeconds(5)).until(() -> "withdrawn".equals(status(ucsync, ignored)));
            assertThat(ucsync.previewApi("GET", "/no-such-id", TOKEN).statusCode())
                    .isEqualTo(404);
        }
    }

    private static String status(UcsyncHarness ucsync, JsonNode offer) throws Exception {
        return JSON.readTree(ucsync.previewApi("GET", "/" + offer.path("id").asText(), TOKEN)
                        .body())
                .path("status")
                .asText();
    }

    @Test
    void inSignedInModeAWorkerIsSubscribedOnlyWhileSignedInAndSigningOutLogsTheAgentOut() throws Exception {
        try (UcsyncHarness ucsync =
                UcsyncHarness.in(home, "ucsync.kw.subscribe=signed-in").start()) {
            FrontEndEmulator uc = ucsync.frontEnd();
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> uc.subscriptions().isEmpty());
            assertThat(UcsyncHarness.describe(ucsync.agent(1))).isEqualTo("LoggedOut");

            String session = ucsync.signIn(1, UcsyncHarness.password(1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> uc.subscriptions().size() == 1);
            ucsync.awaitAgent(1, "Ready");
            assertThat(UcsyncHarness.describe(ucsync.agent(2)))
                    .as("not signed in")
                    .isEqualTo("LoggedOut");

            HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ucsync.httpPort + "/api/session"))
                                    .header("Cookie", session)
                                    .header("X-Requested-With", "ucsync")
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> uc.subscriptions().isEmpty());
            ucsync.awaitAgent(1, "LoggedOut");
            assertThat(ucsync.api("GET", 1, "", session, false).statusCode())
                    .as("the session is over")
                    .isEqualTo(401);
        }
    }
}
