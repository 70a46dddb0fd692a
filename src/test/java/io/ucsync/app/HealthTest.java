package io.ucsync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health endpoint an operator's monitoring polls: the T-Server links and the UC subscriptions. */
class HealthTest {

    @TempDir
    Path home;

    @Test
    void healthIsUpWithLinksAndSubscriptionsAndDownWhenTheTServerGoesAway() throws Exception {
        try (UcsyncHarness ucsync = UcsyncHarness.in(home).start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ucsync.managementPort + "/observe/health")).build();
            await().atMost(Duration.ofSeconds(15)).until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            String up = http.send(health, HttpResponse.BodyHandlers.ofString()).body();
            assertThat(up).contains("{\"name\":\"tserver-links\",\"status\":\"UP\"}")
                    .contains("{\"name\":\"uc-subscriptions\",\"status\":\"UP\"}");

            ucsync.tserver().kill();
            await().atMost(Duration.ofSeconds(15)).until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 503);
            assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).body())
                    .contains("{\"name\":\"tserver-links\",\"status\":\"DOWN\"}");
        }
    }
}
